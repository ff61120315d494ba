import { useMutation } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { adoptSession, api, COOKIE_SESSION, data } from '../api/client';
import { ApiError } from '../api/problem';
import { sessionStore } from '../auth/session';
import { useSession } from '../auth/use-session';
import { ErrorMessage, FieldError } from '../ui/feedback';

/** Where to go after signing in: the page the person was on, never another site. */
function nextPath(params: URLSearchParams): string {
  const next = params.get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/profiles';
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
  // Signed in here, or in another tab of this browser meanwhile: on to where the person was going.
  useEffect(() => {
    if (session) navigate(register ? '/profiles' : nextPath(params), { replace: true });
  }, [session, register, params, navigate]);
  const fieldError = (field: string) =>
    submit.error instanceof ApiError ? submit.error.fieldError(field) : undefined;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit.mutate();
  };
  const expired = params.get('expired') === '1';
  const signedOutElsewhere = params.get('signed-out') === '1';
  return (
    <main className="auth-page">
      <h1>{register ? 'Create your Kinema account' : 'Sign in to Kinema'}</h1>
      <title>{register ? 'Create an account · Kinema' : 'Sign in · Kinema'}</title>
      {expired && <p className="notice">Your session ended. Sign in to carry on where you were.</p>}
      {signedOutElsewhere && <p className="notice">You signed out of Kinema in another tab.</p>}
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
        <label htmlFor="password">Password</label>
        <input
          id="password"
          type="password"
          autoComplete={register ? 'new-password' : 'current-password'}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          aria-invalid={Boolean(fieldError('password'))}
          aria-describedby="password-error"
        />
        <FieldError id="password-error" message={fieldError('password')} />
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
            Already have an account? <Link to="/sign-in">Sign in</Link>
          </>
        ) : (
          <>
            New to Kinema? <Link to="/register">Create an account</Link>
          </>
        )}
      </p>
    </main>
  );
}
