/**
 * The notifications on `/ws` the web app acts on. The WebSocket messages are not part of the
 * OpenAPI document (OpenAPI 3.0 cannot describe them); these fields are docs/api.md's contract.
 */
export type LiveNotification =
  | { type: 'title.published'; eventId: string; title: { id: string; name: string } }
  | {
      type: 'title.updated';
      eventId: string;
      title: { id: string; name: string };
      changedFields: string[];
    };

export interface LiveHandlers {
  onNotification(notification: LiveNotification): void;
  /**
   * The session the socket signed in with has ended (signed out elsewhere, password changed), or
   * had ended when the socket signed in: a sign-in that raced the announcement is told then.
   */
  onSessionEnded(): void;
}

/** Delay before reconnect attempt `attempt` (0-based): doubling from 1 s, at most 30 s, jittered. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1_000 * 2 ** attempt);
  return Math.round(base / 2 + (random() * base) / 2);
}

export interface LiveConnection {
  /**
   * Follows a profile: the server then applies its maturity ceiling to what it sends and adds
   * its own events. Sent again after every reconnect; null stays (or falls back to) anonymous.
   */
  signIn(identity: { token: string; profileId: string } | null): void;
  close(): void;
}

/** Keeps a WebSocket to `/ws` open, reconnecting with backoff, and hands on what it hears. */
export function connectLive(url: string, handlers: LiveHandlers): LiveConnection {
  let attempt = 0;
  let closed = false;
  let socket: WebSocket | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let identity: { token: string; profileId: string } | null = null;
  const seen = new Set<string>();

  const sendIdentity = () => {
    if (identity && socket?.readyState === WebSocket.OPEN)
      socket.send(JSON.stringify({ type: 'auth', ...identity }));
  };

  const open = () => {
    socket = new WebSocket(url);
    socket.onopen = () => {
      attempt = 0;
      sendIdentity();
    };
    socket.onmessage = (event) => {
      let message: unknown;
      try {
        message = JSON.parse(String(event.data));
      } catch {
        return;
      }
      const note = message as
        | LiveNotification
        | { type: 'session.ended'; eventId: string }
        | { type: 'error'; code: string };
      if (
        note.type === 'session.ended' ||
        (note.type === 'error' && note.code === 'SESSION_ENDED')
      ) {
        handlers.onSessionEnded();
        return;
      }
      if (note.type !== 'title.published' && note.type !== 'title.updated') return;
      // A replica may deliver an event twice; the event id tells.
      if (seen.has(note.eventId)) return;
      seen.add(note.eventId);
      handlers.onNotification(note);
    };
    socket.onclose = () => {
      if (closed) return;
      timer = setTimeout(open, reconnectDelay(attempt));
      attempt += 1;
    };
  };
  open();
  return {
    signIn(next) {
      const changed = next?.token !== identity?.token || next?.profileId !== identity?.profileId;
      const wasSignedIn = identity !== null;
      identity = next;
      if (!changed) return;
      // A socket cannot sign out; a fresh one starts anonymous.
      if (!next && wasSignedIn) socket?.close();
      else sendIdentity();
    },
    close() {
      closed = true;
      clearTimeout(timer);
      socket?.close();
    },
  };
}
