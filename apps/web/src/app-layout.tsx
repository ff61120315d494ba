import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { api } from './api/client';
import { sessionStore } from './auth/session';
import { useSession } from './auth/use-session';
import { connectLive } from './live/live-updates';

interface Toast {
  id: string;
  text: string;
  titleId: string;
}

/** How long a toast stays on screen. */
const TOAST_MS = 8_000;

function useLiveUpdates(): Toast[] {
  const client = useQueryClient();
  const [toasts, setToasts] = useState<Toast[]>([]);
  useEffect(() => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const connection = connectLive(`${scheme}://${location.host}/ws`, (note) => {
      void client.invalidateQueries({ queryKey: ['titles'] });
      void client.invalidateQueries({ queryKey: ['title', note.title.id] });
      if (note.type !== 'title.published') return;
      const toast = {
        id: note.eventId,
        text: `New on Kinema: ${note.title.name}`,
        titleId: note.title.id,
      };
      setToasts((current) => [...current, toast]);
      setTimeout(() => setToasts((current) => current.filter((t) => t.id !== toast.id)), TOAST_MS);
    });
    return () => connection.close();
  }, [client]);
  return toasts;
}

export function AppLayout() {
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const toasts = useLiveUpdates();
  const here = `${location.pathname}${location.search}`;
  if (!session) {
    const expired = sessionStore.endedByExpiry() ? 'expired=1&' : '';
    return <Navigate to={`/sign-in?${expired}next=${encodeURIComponent(here)}`} replace />;
  }
  if (!session.profile && location.pathname !== '/profiles')
    return <Navigate to={`/profiles?next=${encodeURIComponent(here)}`} replace />;
  const admin = session.account.role === 'admin' && !session.profile?.kids;
  const signOut = async () => {
    const refreshToken = sessionStore.storedRefreshToken();
    if (refreshToken) await api.POST('/api/v1/auth/logout', { body: { refreshToken } });
    sessionStore.signOut();
    client.clear();
    navigate('/sign-in', { replace: true });
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
          <NavLink to="/" end>
            Home
          </NavLink>
          <NavLink to="/search">Search</NavLink>
          {admin && <NavLink to="/admin">Admin</NavLink>}
        </nav>
        <div className="account">
          {session.profile && (
            <Link to="/profiles" aria-label={`Profile ${session.profile.name}: switch profile`}>
              {session.profile.name}
            </Link>
          )}
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <div id="content">
        <Outlet />
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
