import { useMutation } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { adoptSession, api, COOKIE_SESSION, data } from '../api/client';
import { ApiError } from '../api/problem';
import { carryingNext, wantedPath } from '../auth/next-page';
import { sessionStore } from '../auth/session';
import { useSession } from '../auth/use-session';
import { ErrorMessage, FieldError } from '../ui/feedback';
import { PasswordField } from '../ui/password-field';

/** After signing in or registering: that page (once a profile is chosen), else the profiles. */
function nextPath(params: URLSearchParams): string {
  return wantedPath(params) ?? '/profiles';
}

export function SignInPage({ mode }: { mode: 'sign-in' | 'register' }) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const register = mode === 'register';
  const session = useSession();
  // The page has said why the last session ended; the next page need not.
  useEffect(() => sessionStore.acknowledgeEnd(), []);
  const submit = useMutation({
    mutationFn: async () => {
      const request = { body: { email, password }, params: { header: COOKIE_SESSION } };
      const answer = register
        ? await data(api.POST('/api/v1/auth/register', request))
        : await data(api.POST('/api/v1/auth/login', request));
      adoptSession(answer.account, answer.tokens);
    },
  });
  // Signed in or registered here, or in another tab of this browser meanwhile: on to where the
  // person was going (the app asks who is watching first).
  useEffect(() => {
    if (session) navigate(nextPath(params), { replace: true });
  }, [session, params, navigate]);
  const fieldError = (field: string) =>
    submit.error instanceof ApiError ? submit.error.fieldError(field) : undefined;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit.mutate();
  };
  const expired = params.get('expired') === '1';
  const signedOutElsewhere = params.get('signed-out') === '1';
  const accountDeleted = params.get('account-deleted') === '1';
  return (
    <main className="auth-page">
      <h1>{register ? 'Create your Kinema account' : 'Sign in to Kinema'}</h1>
      <title>{register ? 'Create an account · Kinema' : 'Sign in · Kinema'}</title>
      {expired && <p className="notice">Your session ended. Sign in to carry on where you were.</p>}
      {signedOutElsewhere && <p className="notice">You signed out of Kinema in another tab.</p>}
      {accountDeleted && (
        <p className="notice">Your account was deleted, with its profiles and their history.</p>
      )}
      <form onSubmit={onSubmit} noValidate className="form">
        <label htmlFor="email">Email</label>
        <input
          id="email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          aria-invalid={Boolean(fieldError('email'))}
          aria-describedby="email-error"
        />
        <FieldError id="email-error" message={fieldError('email')} />
        <PasswordField
          id="password"
          label="Password"
          value={password}
          onChange={setPassword}
          error={fieldError('password')}
          choosing={register}
        />
        {!fieldError('email') && !fieldError('password') && <ErrorMessage error={submit.error} />}
        <button type="submit" disabled={submit.isPending}>
          {register ? 'Create account' : 'Sign in'}
        </button>
      </form>
      <p>
        <Link to="/">Browse Kinema without signing in</Link>
      </p>
      <p>
        {register ? (
          <>
            Already have an account? <Link to={carryingNext('/sign-in', params)}>Sign in</Link>
          </>
        ) : (
          <>
            New to Kinema? <Link to={carryingNext('/register', params)}>Create an account</Link>
          </>
        )}
      </p>
    </main>
  );
}
