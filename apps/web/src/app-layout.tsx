import { useQueryClient } from '@tanstack/react-query';
import {
  Link,
  Navigate,
  NavLink,
  Outlet,
  useLocation,
  useMatches,
  useNavigate,
} from 'react-router';
import { COOKIE_SESSION } from './api/client';
import { sessionStore, type SessionEnd } from './auth/session';
import { signOutEveryTab } from './auth/tab-sync';
import { useResuming, useSession } from './auth/use-session';
import { useLiveUpdates } from './live/use-live-updates';

/**
 * A route's `handle` marking a page a visitor may see without signing in: the catalog is public,
 * watching is not.
 */
export const PUBLIC_PAGE = { public: true } as const;

/** What the sign-in page is told of why the session ended (it says so), by SessionEnd. */
const END_PARAMS: Record<SessionEnd, string> = {
  expired: 'expired',
  'signed-out-elsewhere': 'signed-out',
  'account-deleted': 'account-deleted',
};

/**
 * Where to send someone who must sign in first, back to `here` afterwards; an account deleted
 * has no page to go back to.
 */
export function signInPath(here: string, why?: SessionEnd): string {
  if (why === 'account-deleted') return `/sign-in?${END_PARAMS[why]}=1`;
  const reason = why ? `${END_PARAMS[why]}=1&` : '';
  return `/sign-in?${reason}next=${encodeURIComponent(here)}`;
}

/** A link of the header's sections, its name also in `data-label` for the width it keeps. */
function SectionLink({ to, name, end }: { to: string; name: string; end?: boolean }) {
  return (
    <NavLink to={to} end={end} data-label={name}>
      {name}
    </NavLink>
  );
}

export function AppLayout() {
  const session = useSession();
  const resuming = useResuming();
  const location = useLocation();
  const publicPage = useMatches().some((match) => match.handle === PUBLIC_PAGE);
  const navigate = useNavigate();
  const client = useQueryClient();
  const toasts = useLiveUpdates();
  const here = `${location.pathname}${location.search}`;
  const ended = sessionStore.ended();
  if (!session && ended) return <Navigate to={signInPath(here, ended)} replace />;
  if (!session && !publicPage && !resuming) return <Navigate to={signInPath(here)} replace />;
  if (session && !session.profile && location.pathname !== '/profiles')
    return <Navigate to={`/profiles?next=${encodeURIComponent(here)}`} replace />;
  const admin = session?.account.role === 'admin' && !session.profile?.kids;
  const signOut = async () => {
    const token = session?.accessToken;
    signOutEveryTab();
    client.clear();
    navigate('/sign-in', { replace: true });
    await fetch('/api/v1/auth/logout', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...COOKIE_SESSION,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: '{}',
    });
  };
  return (
    <>
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <header className="top-bar">
        <Link to="/" className="brand">
          Kinema
        </Link>
        <nav aria-label="Main">
          <SectionLink to="/" end name="Home" />
          <SectionLink to="/search" name="Search" />
          {admin && <SectionLink to="/admin/titles" name="Admin" />}
          {session && !session.profile?.kids && <SectionLink to="/account" name="Account" />}
        </nav>
        <div className="account">
          {session?.profile && (
            <Link
              to="/profiles"
              className="profile-switch"
              aria-label={`Profile ${session.profile.name}: switch profile`}
              title="Switch profile"
            >
              <span className="avatar avatar--small" aria-hidden="true">
                {session.profile.name.slice(0, 1).toUpperCase()}
              </span>
              <span className="profile-switch-name">{session.profile.name}</span>
            </Link>
          )}
          {session ? (
            <button type="button" className="quiet" onClick={() => void signOut()}>
              Sign out
            </button>
          ) : (
            <Link className="button" to={signInPath(here)}>
              Sign in
            </Link>
          )}
        </div>
      </header>
      <div id="content">
        {resuming && (
          <p className="notice notice--page" role="status">
            Kinema cannot reach your account right now. You are browsing as a visitor; you will be
            signed back in as soon as it answers.
          </p>
        )}
        {resuming && !publicPage ? (
          <main className="message-page">
            <title>Signing you back in · Kinema</title>
            <h1>Signing you back in</h1>
            <p>This page opens as soon as Kinema can reach your account.</p>
          </main>
        ) : (
          <Outlet />
        )}
      </div>
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((toast) => (
          <Link key={toast.id} className="toast" to={`/title/${toast.titleId}`}>
            {toast.text}
          </Link>
        ))}
      </div>
    </>
  );
}
