import { Metadata, status } from '@grpc/grpc-js';
import { Role, type VerifyAccessTokenResponse } from '@kinema/contracts';
import type { AccessTokenClaims } from './access-token.verifier';
import { SessionCheck } from './session-check';

const claims: AccessTokenClaims = {
  accountId: 'account-1',
  role: 'viewer',
  sessionId: 'session-1',
  expiresAt: new Date(Date.now() + 900_000),
};

function ended(): Error {
  return Object.assign(new Error('ended'), {
    code: status.UNAUTHENTICATED,
    details: 'ended',
    metadata: new Metadata(),
  });
}

describe('SessionCheck', () => {
  let calls: number;
  let answer: () => Promise<VerifyAccessTokenResponse>;
  let clock: number;
  const live = async (): Promise<VerifyAccessTokenResponse> => ({
    accountId: 'account-1',
    role: Role.ROLE_ADMIN,
    sessionId: 'session-1',
  });
  const check = (ttlMs: number) =>
    new SessionCheck(
      () => {
        calls += 1;
        return answer();
      },
      ttlMs,
      () => clock,
    );

  beforeEach(() => {
    calls = 0;
    clock = Date.now();
    answer = live;
  });

  it("takes the role stored by the users service, not the token's", async () => {
    expect((await check(1_000).check('t', claims))?.role).toBe('admin');
  });

  it('trusts a live session for the cache period only', async () => {
    const sessions = check(1_000);
    await sessions.check('t', claims);
    await sessions.check('t', claims);
    expect(calls).toBe(1);
    clock += 1_001;
    answer = () => Promise.reject(ended());
    expect(await sessions.check('t', claims)).toBeUndefined();
    expect(calls).toBe(2);
  });

  it('knows at once only a session it was told is live, within the cache period', async () => {
    const sessions = check(1_000);
    expect(sessions.liveNow(claims)).toBeUndefined();
    await sessions.check('t', claims);
    expect(sessions.liveNow(claims)?.role).toBe('admin');
    expect(sessions.liveNow({ ...claims, accountId: 'account-2' })).toBeUndefined();
    clock += 1_001;
    expect(sessions.liveNow(claims)).toBeUndefined();
    expect(calls).toBe(1);
  });

  it('asks every time when the cache is off, for requests at the same time too', async () => {
    const sessions = check(0);
    await sessions.check('t', claims);
    await sessions.check('t', claims);
    expect(calls).toBe(2);
    await Promise.all([sessions.check('t', claims), sessions.check('t', claims)]);
    expect(calls).toBe(4);
  });

  it('remembers an ended session until its token expires: a repeated dead token costs no call', async () => {
    const sessions = check(0);
    answer = () => Promise.reject(ended());
    for (let n = 0; n < 5; n++) expect(await sessions.check('t', claims)).toBeUndefined();
    expect(calls).toBe(1);
    clock = claims.expiresAt.getTime() + 1;
    expect(await sessions.check('t', claims)).toBeUndefined();
    expect(calls).toBe(2);
  });

  it('forgets a session ended through this replica at once', async () => {
    const sessions = check(60_000);
    await sessions.check('t', claims);
    sessions.forgetAccount('account-1');
    answer = () => Promise.reject(ended());
    expect(await sessions.check('t', claims)).toBeUndefined();
  });

  it('refuses a session announced ended at once, though a "live" answer is still cached', async () => {
    const sessions = check(60_000);
    expect(await sessions.check('t', claims)).toBeDefined();
    sessions.endSessions(['session-1'], clock + 10_000);
    expect(sessions.hasEnded('session-1')).toBe(true);
    expect(await sessions.check('t', claims)).toBeUndefined();
    expect(sessions.liveNow(claims)).toBeUndefined();
    expect(calls).toBe(1);
    expect(sessions.hasEnded('session-2')).toBe(false);
  });

  it('forgets an announced end once the time it was kept for has passed', async () => {
    const sessions = check(0);
    sessions.endSessions(['session-1'], clock + 10_000);
    clock += 10_001;
    expect(sessions.hasEnded('session-1')).toBe(false);
  });

  it('does not let an answer that raced an announced end bring the session back', async () => {
    const sessions = check(60_000);
    let release: (value: VerifyAccessTokenResponse) => void = () => undefined;
    answer = () => new Promise((resolve) => (release = resolve));
    const pending = sessions.check('t', claims);
    sessions.endSessions(['session-1'], clock + 10_000);
    release(await live());
    expect(await pending).toBeUndefined();
    answer = live;
    expect(await sessions.check('t', claims)).toBeUndefined();
  });

  it("asks once for a session's requests that arrive while it is being asked about", async () => {
    const sessions = check(1_000);
    let release: (value: VerifyAccessTokenResponse) => void = () => undefined;
    answer = () => new Promise((resolve) => (release = resolve));
    const burst = [1, 2, 3].map(() => sessions.check('t', claims));
    // Another token of the same session (refreshed meanwhile) waits for the same answer.
    burst.push(sessions.check('t-refreshed', claims));
    expect(calls).toBe(1);
    release(await live());
    expect((await Promise.all(burst)).map((session) => session?.role)).toEqual([
      'admin',
      'admin',
      'admin',
      'admin',
    ]);
    // Once answered, the cache period applies; once it is over, the session is asked about again.
    clock += 1_001;
    answer = live;
    await sessions.check('t', claims);
    expect(calls).toBe(2);
  });

  it('does not answer a request after a logout here with a check started before it', async () => {
    const sessions = check(60_000);
    const releases: ((value: VerifyAccessTokenResponse) => void)[] = [];
    answer = () => new Promise((resolve) => releases.push(resolve));
    const before = sessions.check('t', claims);
    sessions.forgetSession('session-1');
    const after = sessions.check('t', claims);
    expect(calls).toBe(2);
    // The earlier check answers its own request, but what it answered is not kept.
    releases[0]?.(await live());
    expect((await before)?.role).toBe('admin');
    expect(sessions.liveNow(claims)).toBeUndefined();
    releases[1]?.(await live());
    expect((await after)?.role).toBe('admin');
    expect(sessions.liveNow(claims)?.role).toBe('admin');
  });

  it('lets an outage of the users service surface as an error (503), not as 401', async () => {
    answer = () =>
      Promise.reject(
        Object.assign(new Error('down'), {
          code: status.UNAVAILABLE,
          details: '',
          metadata: new Metadata(),
        }),
      );
    await expect(check(0).check('t', claims)).rejects.toThrow('down');
  });
});
