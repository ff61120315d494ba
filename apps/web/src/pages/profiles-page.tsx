import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ACCOUNT_LIMITS } from '@kinema/contracts/account-limits';
import { KIDS_CEILING_NAMES, KIDS_CEILINGS } from '@kinema/contracts/maturity-names';
import { api, data } from '../api/client';
import { ApiError } from '../api/problem';
import { profilesQuery, QUERY_ROOTS } from '../api/queries';
import type { Maturity, Profile } from '../schema/types';
import { wantedPath } from '../auth/next-page';
import { sessionStore } from '../auth/session';
import { ErrorMessage, FieldError, SkeletonBlock } from '../ui/feedback';
import { KidsBadge, maturityLabel } from '../ui/maturity';
import { ProfileEditor } from './profile-editor';

export function ProfilesPage() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const client = useQueryClient();
  const profiles = useQuery(profilesQuery);
  const [name, setName] = useState('');
  const [kids, setKids] = useState(false);
  const [ceiling, setCeiling] = useState<Maturity>(KIDS_CEILINGS.default);
  const [managing, setManaging] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      data(
        api.POST('/api/v1/me/profiles', {
          body: { name, kids, ...(kids ? { maxMaturity: ceiling } : {}) },
        }),
      ),
    onSuccess: async () => {
      // The form starts again as it first was: a kids profile is chosen each time, not carried over.
      setName('');
      setKids(false);
      setCeiling(KIDS_CEILINGS.default);
      await client.invalidateQueries({ queryKey: [QUERY_ROOTS.profiles] });
    },
  });
  const choose = (profile: Profile) => {
    sessionStore.chooseProfile(profile);
    client.clear();
    navigate(wantedPath(params) ?? '/');
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const nameError = create.error instanceof ApiError ? create.error.fieldError('name') : undefined;
  const items = profiles.data?.items ?? [];
  return (
    <main className="profiles-page">
      <title>Who is watching? · Kinema</title>
      <h1>{managing ? 'Manage profiles' : 'Who is watching?'}</h1>
      {profiles.isPending && <SkeletonBlock label="Loading profiles" />}
      <ErrorMessage error={profiles.error} />
      <ul className="profile-list">
        {items.map((profile) => (
          <li key={profile.id}>
            {managing ? (
              <ProfileEditor profile={profile} deletable={items.length > 1} />
            ) : (
              <button type="button" className="profile-button" onClick={() => choose(profile)}>
                <span className="avatar" aria-hidden="true">
                  {profile.name.slice(0, 1).toUpperCase()}
                </span>
                <span className="profile-name">{profile.name}</span>
                <KidsBadge profile={profile} />
              </button>
            )}
          </li>
        ))}
      </ul>
      {profiles.isSuccess && (
        <button type="button" className="button--secondary" onClick={() => setManaging(!managing)}>
          {managing ? 'Done' : 'Manage profiles'}
        </button>
      )}
      {profiles.isSuccess && items.length < ACCOUNT_LIMITS.profilesPerAccount && (
        <form onSubmit={onSubmit} noValidate className="form form--inline">
          <h2>Add a profile</h2>
          <label htmlFor="profile-name">Name</label>
          <input
            id="profile-name"
            value={name}
            onChange={(event) => setName(event.target.value)}
            aria-invalid={Boolean(nameError)}
            aria-describedby="profile-name-error"
          />
          <FieldError id="profile-name-error" message={nameError} />
          <label className="checkbox">
            <input
              type="checkbox"
              checked={kids}
              onChange={(event) => setKids(event.target.checked)}
            />
            Kids profile
          </label>
          {kids && (
            <>
              <label htmlFor="profile-ceiling">Highest maturity rating</label>
              <select
                id="profile-ceiling"
                value={ceiling}
                onChange={(event) => setCeiling(event.target.value as Maturity)}
              >
                {KIDS_CEILING_NAMES.map((rating) => (
                  <option key={rating} value={rating}>
                    {maturityLabel(rating)}
                  </option>
                ))}
              </select>
            </>
          )}
          {!nameError && <ErrorMessage error={create.error} />}
          <button type="submit" disabled={create.isPending}>
            Add profile
          </button>
        </form>
      )}
    </main>
  );
}
