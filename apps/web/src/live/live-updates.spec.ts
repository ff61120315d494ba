import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectLive, reconnectDelay } from './live-updates';

describe('reconnecting to /ws', () => {
  it('waits longer after each failed attempt, never more than 30 s', () => {
    const top = (attempt: number) => reconnectDelay(attempt, () => 1);
    expect([0, 1, 2, 3].map(top)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(top(20)).toBe(30_000);
  });

  it('spreads clients over the second half of the window so they do not return together', () => {
    expect(reconnectDelay(2, () => 0)).toBe(2_000);
    expect(reconnectDelay(2, () => 0.5)).toBe(3_000);
  });
});

/** The page's side of a socket: what it sent, and the server's frames the test delivers. */
class FakeSocket {
  static readonly OPEN = 1;
  static last: FakeSocket | undefined;
  readyState = 0;
  readonly sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.last = this;
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.readyState = 3;
  }
  opened(): void {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  receive(message: unknown): void {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

describe('the session on /ws', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('hands on the end of the session, announced or told as the socket signs in; a refused token or profile is not an end', () => {
    vi.stubGlobal('WebSocket', FakeSocket);
    let ends = 0;
    const live = connectLive('ws://kinema.test/ws', {
      onNotification: () => undefined,
      onSessionEnded: () => (ends += 1),
    });
    live.signIn({ token: 'token', profileId: 'profile' });
    const socket = FakeSocket.last as FakeSocket;
    socket.opened();
    expect(socket.sent).toEqual([{ type: 'auth', token: 'token', profileId: 'profile' }]);
    socket.receive({ type: 'error', code: 'UNAUTHENTICATED', message: 'refused' });
    expect(ends).toBe(0);
    socket.receive({ type: 'error', code: 'SESSION_ENDED', message: 'ended' });
    expect(ends).toBe(1);
    socket.receive({ type: 'session.ended', eventId: 'e1', reason: 'logout' });
    expect(ends).toBe(2);
    live.close();
  });
});
