/**
 * The two notifications on `/ws` the web app acts on. The WebSocket messages are not part of the
 * OpenAPI document (OpenAPI 3.0 cannot describe them); these fields are the README's contract.
 */
export type LiveNotification =
  | { type: 'title.published'; eventId: string; title: { id: string; name: string } }
  | { type: 'title.updated'; eventId: string; title: { id: string; name: string } };

/** Delay before reconnect attempt `attempt` (0-based): doubling from 1 s, at most 30 s, jittered. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1_000 * 2 ** attempt);
  return Math.round(base / 2 + (random() * base) / 2);
}

export interface LiveConnection {
  close(): void;
}

/** Keeps a WebSocket to `/ws` open, reconnecting with backoff, and hands on title notifications. */
export function connectLive(
  url: string,
  onNotification: (notification: LiveNotification) => void,
): LiveConnection {
  let attempt = 0;
  let closed = false;
  let socket: WebSocket | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const seen = new Set<string>();

  const open = () => {
    socket = new WebSocket(url);
    socket.onopen = () => {
      attempt = 0;
    };
    socket.onmessage = (event) => {
      let message: unknown;
      try {
        message = JSON.parse(String(event.data));
      } catch {
        return;
      }
      const note = message as LiveNotification;
      if (note.type !== 'title.published' && note.type !== 'title.updated') return;
      // A replica may deliver an event twice; the event id tells.
      if (seen.has(note.eventId)) return;
      seen.add(note.eventId);
      onNotification(note);
    };
    socket.onclose = () => {
      if (closed) return;
      timer = setTimeout(open, reconnectDelay(attempt));
      attempt += 1;
    };
  };
  open();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      socket?.close();
    },
  };
}
