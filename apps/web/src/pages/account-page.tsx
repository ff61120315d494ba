import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Navigate } from 'react-router';
import { adoptSession, changingSession, COOKIE_SESSION, data } from '../api/client';
import { ApiError } from '../api/problem';
import { sessionStore } from '../auth/session';
import { signOutEveryTab } from '../auth/tab-sync';
import { useSession } from '../auth/use-session';
import { ErrorMessage } from '../ui/feedback';
import { PasswordField } from '../ui/password-field';

/**
 * What a field's problem says to the person: a wrong current password (403, the account's own
 * check) in the API's words, "The current password is wrong.", else the field's violation.
 */
function passwordError(error: unknown, field: string): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  if (field === 'currentPassword' && error.status === 403) return error.problem.detail;
  return error.fieldError(field);
}

/** The signed-in account: its email, a new password, and deleting it. Not for a kids profile. */
export function AccountPage() {
  const session = useSession();
  if (!session || session.profile?.kids) return <Navigate to="/" replace />;
  return (
    <main className="account-page">
      <title>Account · Kinema</title>
      <h1>Account</h1>
      <p>
        Signed in as <strong>{session.account.email}</strong>
      </p>
      <ChangePassword />
      <DeleteAccount />
    </main>
  );
}

function ChangePassword() {
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const change = useMutation({
    // Every session of the account ends; this browser goes on with the tokens of the new one
    // (its refresh token in the cookie), in every tab.
    mutationFn: () =>
      changingSession(async (api) => {
        const answer = await data(
          api.PUT('/api/v1/me/password', {
            body: { currentPassword, newPassword },
            params: { header: COOKIE_SESSION },
          }),
        );
        const account = sessionStore.get()?.account;
        if (account) adoptSession(account, answer.tokens);
      }),
    onSuccess: () => {
      setCurrentPassword('');
      setNewPassword('');
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate();
  };
  const current = passwordError(change.error, 'currentPassword');
  const next = passwordError(change.error, 'newPassword');
  return (
    <section aria-labelledby="change-password">
      <h2 id="change-password">Change password</h2>
      <form onSubmit={onSubmit} noValidate className="form">
        <PasswordField
          id="current-password"
          label="Current password"
          value={currentPassword}
          onChange={setCurrentPassword}
          error={current}
          choosing={false}
        />
        <PasswordField
          id="new-password"
          label="New password"
          value={newPassword}
          onChange={setNewPassword}
          error={next}
          choosing
        />
        {!current && !next && <ErrorMessage error={change.error} />}
        {change.isSuccess && (
          <p className="notice" role="status">
            Password changed. Every other device and browser signed in to this account is signed
            out.
          </p>
        )}
        <button type="submit" disabled={change.isPending}>
          Change password
        </button>
      </form>
    </section>
  );
}

function DeleteAccount() {
  const client = useQueryClient();
  const [currentPassword, setCurrentPassword] = useState('');
  const [asking, setAsking] = useState(false);
  const remove = useMutation({
    mutationFn: () =>
      changingSession(async (api) => {
        await data(
          api.DELETE('/api/v1/me', {
            body: { currentPassword },
            params: { header: COOKIE_SESSION },
          }),
        );
        // The account is gone (its cookie cleared): every tab of this browser signs out.
        signOutEveryTab('account-deleted');
        client.clear();
      }),
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (asking) remove.mutate();
    else setAsking(true);
  };
  const wrong = passwordError(remove.error, 'currentPassword');
  return (
    <section aria-labelledby="delete-account">
      <h2 id="delete-account">Delete account</h2>
      <p>
        Deleting the account deletes its profiles, their My Lists and what they were watching. It
        cannot be undone.
      </p>
      <form onSubmit={onSubmit} noValidate className="form">
        <PasswordField
          id="delete-password"
          label="Password"
          value={currentPassword}
          onChange={setCurrentPassword}
          error={wrong}
          choosing={false}
        />
        {!wrong && <ErrorMessage error={remove.error} />}
        {asking ? (
          <span className="confirm" role="group" aria-label="Delete the account?">
            <span>Delete this account for good?</span>
            <button
              type="submit"
              className="button--danger"
              disabled={remove.isPending}
              // The question just appeared: the answer is the next thing to press.
              ref={(button) => button?.focus()}
            >
              Yes, delete my account
            </button>
            <button type="button" className="button--secondary" onClick={() => setAsking(false)}>
              Keep it
            </button>
          </span>
        ) : (
          <button type="submit" className="button--danger-quiet">
            Delete account
          </button>
        )}
      </form>
    </section>
  );
}
