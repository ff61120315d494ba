import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { endExpiredSession, refreshSession } from '../api/client';
import { sessionStore } from '../auth/session';
import { useSession } from '../auth/use-session';
import { connectLive, type LiveConnection } from './live-updates';
import { changeOf, TitleChangeBatcher } from './title-changes';

export interface Toast {
  id: string;
  text: string;
  titleId: string;
}

/** How long a toast stays on screen. */
const TOAST_MS = 8_000;
/** Changes within this long refetch a query once. */
const BATCH_MS = 250;

/**
 * The `/ws` feed for this tab: signed in as the chosen profile (so its maturity ceiling applies),
 * title changes applied to the cache in batches, "New on Kinema" toasts, and the end of the
 * session noticed at once.
 */
export function useLiveUpdates(): Toast[] {
  const client = useQueryClient();
  const session = useSession();
  const [toasts, setToasts] = useState<Toast[]>([]);
  const connection = useRef<LiveConnection | null>(null);

  useEffect(() => {
    const batcher = new TitleChangeBatcher(client, {
      delayMs: BATCH_MS,
      hidden: () => document.visibilityState === 'hidden',
    });
    const onVisibility = () => batcher.schedule();
    document.addEventListener('visibilitychange', onVisibility);
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const live = connectLive(`${scheme}://${location.host}/ws`, {
      onNotification: (note) => {
        batcher.add(changeOf(note));
        if (note.type !== 'title.published') return;
        const toast = {
          id: note.eventId,
          text: `New on Kinema: ${note.title.name}`,
          titleId: note.title.id,
        };
        setToasts((current) => [...current, toast]);
        setTimeout(
          () => setToasts((current) => current.filter((t) => t.id !== toast.id)),
          TOAST_MS,
        );
      },
      onSessionEnded: () => {
        const token = sessionStore.get()?.accessToken;
        // Ended by this browser's sign-out, the tab channel has said so; otherwise ask the API.
        if (token)
          void refreshSession(token).then((alive) => {
            if (!alive) endExpiredSession();
          });
      },
    });
    connection.current = live;
    return () => {
      document.removeEventListener('visibilitychange', onVisibility);
      batcher.dispose();
      live.close();
      connection.current = null;
    };
  }, [client]);

  const token = session?.accessToken;
  const profileId = session?.profile?.id;
  useEffect(() => {
    connection.current?.signIn(token && profileId ? { token, profileId } : null);
  }, [token, profileId]);

  return toasts;
}
