import { USERS_ACCOUNT_EVENTS, type EventEnvelope } from '@kinema/contracts';
import { sessionsEndedBy } from './session-ends';

const event = (type: string, data: unknown): EventEnvelope => ({
  id: 'e1',
  type,
  source: '/kinema/users',
  time: '2026-11-22T00:00:00.000Z',
  subject: 'account-1',
  data,
});

describe('sessionsEndedBy', () => {
  it('reads the sessions, the reason and the event identity of a SessionsEnded', () => {
    expect(
      sessionsEndedBy(
        event(USERS_ACCOUNT_EVENTS.sessionsEnded, {
          accountId: 'account-1',
          sessionIds: ['s1', 's2'],
          reason: 'account_deleted',
          occurredAt: '2026-11-22T00:00:00.000Z',
        }),
      ),
    ).toEqual({
      sessionIds: ['s1', 's2'],
      reason: 'account_deleted',
      eventId: 'e1',
      time: '2026-11-22T00:00:00.000Z',
    });
  });

  it('ignores other events', () => {
    expect(sessionsEndedBy(event(USERS_ACCOUNT_EVENTS.registered, {}))).toBeUndefined();
  });

  it('throws on a SessionsEnded without the contract’s shape rather than acting on part of it', () => {
    for (const data of [
      null,
      { sessionIds: 's1', reason: 'logout' },
      { sessionIds: ['s1', 2], reason: 'logout' },
      { sessionIds: ['s1'], reason: 'bored' },
    ])
      expect(() => sessionsEndedBy(event(USERS_ACCOUNT_EVENTS.sessionsEnded, data))).toThrow();
  });
});
