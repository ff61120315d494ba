import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, data } from '../api/client';
import { ApiError } from '../api/problem';
import { QUERY_ROOTS } from '../api/queries';
import { sessionStore } from '../auth/session';
import { tellOtherTabs } from '../auth/tab-sync';
import type { Profile } from '../schema/types';
import { ConfirmDelete } from '../ui/confirm-delete';
import { ErrorMessage, FieldError } from '../ui/feedback';
import { KidsBadge } from '../ui/maturity';

/**
 * One profile in "Manage profiles": its name to change, and Delete, asked first, naming what goes
 * with it. The last profile of an account cannot be deleted (the API refuses too), so it offers
 * no Delete. The profile this tab, or another of the browser, watches follows its new name, or is
 * let go when deleted, so no header shows a profile that is gone.
 */
export function ProfileEditor({ profile, deletable }: { profile: Profile; deletable: boolean }) {
  const client = useQueryClient();
  const [name, setName] = useState(profile.name);
  /** The profile renamed (`now`) or deleted (null): this tab, the others and the list follow. */
  const changed = async (now: Profile | null) => {
    sessionStore.profileChanged(profile.id, now);
    tellOtherTabs({ type: 'profile-changed', profileId: profile.id, now });
    await client.invalidateQueries({ queryKey: [QUERY_ROOTS.profiles] });
  };
  const rename = useMutation({
    mutationFn: () =>
      data(
        api.PATCH('/api/v1/me/profiles/{profileId}', {
          params: { path: { profileId: profile.id } },
          body: { name },
        }),
      ),
    onSuccess: (renamed) => changed(renamed),
  });
  const remove = useMutation({
    mutationFn: () =>
      data(
        api.DELETE('/api/v1/me/profiles/{profileId}', {
          params: { path: { profileId: profile.id } },
        }),
      ),
    onSuccess: () => changed(null),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    rename.mutate();
  };
  const field = `profile-${profile.id}-name`;
  const nameError = rename.error instanceof ApiError ? rename.error.fieldError('name') : undefined;
  return (
    <div className="profile-editor">
      <KidsBadge profile={profile} />
      <form onSubmit={onSubmit} noValidate className="form form--inline">
        <label htmlFor={field}>
          Name<span className="visually-hidden"> of {profile.name}</span>
        </label>
        <input
          id={field}
          value={name}
          onChange={(event) => setName(event.target.value)}
          aria-invalid={Boolean(nameError)}
          aria-describedby={`${field}-error`}
        />
        <FieldError id={`${field}-error`} message={nameError} />
        {!nameError && <ErrorMessage error={rename.error} />}
        <button type="submit" disabled={rename.isPending || name === profile.name}>
          Save<span className="visually-hidden"> {profile.name}</span>
        </button>
      </form>
      {deletable && (
        <ConfirmDelete
          name={profile.name}
          question={`Delete “${profile.name}” with its My List and what it was watching?`}
          onConfirm={() => remove.mutate()}
          pending={remove.isPending}
          error={remove.error}
        />
      )}
    </div>
  );
}
