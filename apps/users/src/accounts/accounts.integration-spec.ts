import { status } from '@grpc/grpc-js';
import { ACCOUNT_ROLES, Role, USERS_ACCOUNT_EVENTS, type AccountRoleName } from '@kinema/contracts';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { DataSource } from 'typeorm';
import { setAccountRole } from './account-roles';
import { aRegistration } from '../testing/account.builder';
import {
  defined,
  failureOf,
  startTestUsers,
  type UsersHarness,
} from '../testing/users-test-harness';

let users: UsersHarness;

beforeAll(async () => {
  users = await startTestUsers({
    BOOTSTRAP_ADMIN_EMAIL: '  Root@Example.TEST ',
    BOOTSTRAP_ADMIN_PASSWORD: 'bootstrap admin password',
  });
});

afterAll(async () => {
  await users?.close();
});

describe('registration', () => {
  it('creates a viewer with a default profile and signed-in tokens', async () => {
    const input = aRegistration({ email: '  New.Viewer@Example.TEST ' });
    const registered = await users.rpc.register(input);
    const account = defined(registered.account, 'account');
    expect(account.email).toBe('new.viewer@example.test');
    expect(account.role).toBe(Role.ROLE_VIEWER);
    expect(defined(registered.profile, 'profile').accountId).toBe(account.id);
    const tokens = defined(registered.tokens, 'tokens');
    expect(tokens.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const verified = await users.rpc.verifyAccessToken({ accessToken: tokens.accessToken });
    expect(verified).toEqual({
      accountId: account.id,
      role: Role.ROLE_VIEWER,
      sessionId: tokens.sessionId,
    });
  });

  it('issues an ES256 access token with the agreed claims', async () => {
    const { account, tokens } = await users.rpc.register(aRegistration());
    const token = defined(tokens, 'tokens').accessToken;
    const { keys } = await users.rpc.getSigningKeys();
    expect(decodeProtectedHeader(token)).toMatchObject({
      alg: 'ES256',
      typ: 'at+jwt',
      kid: defined(keys[0], 'key').kid,
    });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: 'kinema-users',
      aud: 'kinema-api',
      sub: defined(account, 'account').id,
      role: 'viewer',
    });
    expect(defined(claims.exp, 'exp') - defined(claims.iat, 'iat')).toBe(900);
    expect(typeof claims.jti).toBe('string');
  });

  it('refuses the same email in another case with ALREADY_EXISTS', async () => {
    const input = aRegistration({ email: 'Twice@Example.TEST' });
    await users.rpc.register(input);
    const failure = await failureOf(users.rpc.register({ ...input, email: 'twice@EXAMPLE.test' }));
    expect(failure.code).toBe(status.ALREADY_EXISTS);
    expect(failure.errorCode).toBe('EMAIL_TAKEN');
  });

  it('reports every invalid field at once', async () => {
    const failure = await failureOf(
      users.rpc.register({ email: 'not-an-email', password: 'short' }),
    );
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    expect(failure.fieldViolations.map((v) => v.field).sort()).toEqual(['email', 'password']);
  });

  it('rejects a 10 kB email and password as invalid, not as an internal error', async () => {
    const huge = 'a'.repeat(10_240);
    const failure = await failureOf(
      users.rpc.register({ email: `${huge}@example.test`, password: huge }),
    );
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    const login = await failureOf(
      users.rpc.login({ email: `${huge}@example.test`, password: huge }),
    );
    expect(login.code).toBe(status.INVALID_ARGUMENT);
  });

  it('treats SQL-looking input as plain data', async () => {
    const email = `o'brien+${Date.now()}@example.test`;
    const password = "'; DROP TABLE accounts; --";
    const registered = await users.rpc.register({ email, password });
    expect(defined(registered.account, 'account').email).toBe(email);
    const login = await users.rpc.login({ email, password });
    expect(defined(login.account, 'account').email).toBe(email);
    const failure = await failureOf(
      users.rpc.login({ email: "' OR 1=1 --@x.y", password: "' OR '1'='1" }),
    );
    expect(failure.code).toBe(status.UNAUTHENTICATED);
  });

  it('publishes AccountRegistered through the outbox with no personal data', async () => {
    const { account } = await users.rpc.register(aRegistration({ email: 'evented@Example.TEST' }));
    const accountId = defined(account, 'account').id;
    const rows = await users.sql<{
      topic: string;
      type: string;
      message_key: string;
      data: Record<string, unknown>;
    }>('SELECT topic, type, message_key, data FROM outbox_events WHERE message_key = $1', [
      accountId,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      topic: 'users.accounts.v1',
      type: USERS_ACCOUNT_EVENTS.registered,
      message_key: accountId,
    });
    expect(rows[0]?.data).toMatchObject({ accountId, emailDomain: 'example.test' });
    expect(JSON.stringify(rows[0]?.data)).not.toContain('evented');
  });
});

describe('login', () => {
  it('signs in with the email in any case and spacing', async () => {
    const input = aRegistration({ email: 'Mixed.Case@Example.TEST' });
    await users.rpc.register(input);
    const login = await users.rpc.login({
      email: '  MIXED.case@example.test',
      password: input.password,
    });
    expect(defined(login.account, 'account').email).toBe('mixed.case@example.test');
  });

  it('answers a wrong password and an unknown email identically', async () => {
    const input = aRegistration();
    await users.rpc.register(input);
    const wrongPassword = await failureOf(
      users.rpc.login({ email: input.email, password: 'not the password' }),
    );
    const unknownEmail = await failureOf(
      users.rpc.login({ email: 'nobody@example.test', password: 'not the password' }),
    );
    expect(wrongPassword.code).toBe(status.UNAUTHENTICATED);
    expect(wrongPassword.errorCode).toBe('INVALID_CREDENTIALS');
    expect(unknownEmail).toEqual(wrongPassword);
  });
});

describe('sessions', () => {
  it('rotates the refresh token on every use', async () => {
    const input = aRegistration();
    await users.rpc.register(input);
    const first = defined((await users.rpc.login(input)).tokens, 'tokens');
    const second = defined(
      (await users.rpc.refresh({ refreshToken: first.refreshToken })).tokens,
      'tokens',
    );
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.sessionId).toBe(first.sessionId);
    const third = defined(
      (await users.rpc.refresh({ refreshToken: second.refreshToken })).tokens,
      'tokens',
    );
    expect(third.refreshToken).not.toBe(second.refreshToken);
  });

  it('ends the whole family when a rotated token is reused, including the newest token', async () => {
    const input = aRegistration();
    const registered = defined((await users.rpc.register(input)).tokens, 'tokens');
    const newest = defined(
      (await users.rpc.refresh({ refreshToken: registered.refreshToken })).tokens,
      'tokens',
    );
    const reuse = await failureOf(users.rpc.refresh({ refreshToken: registered.refreshToken }));
    expect(reuse.code).toBe(status.UNAUTHENTICATED);
    expect(reuse.errorCode).toBe('REFRESH_TOKEN_REUSED');
    const afterwards = await failureOf(users.rpc.refresh({ refreshToken: newest.refreshToken }));
    expect(afterwards.code).toBe(status.UNAUTHENTICATED);
    const access = await failureOf(
      users.rpc.verifyAccessToken({ accessToken: newest.accessToken }),
    );
    expect(access.code).toBe(status.UNAUTHENTICATED);
  });

  it('answers a refresh asked again with its retry key, without ending the session', async () => {
    const input = aRegistration();
    const registered = defined((await users.rpc.register(input)).tokens, 'tokens');
    const asked = { refreshToken: registered.refreshToken, retryKey: 'page-1' };
    // Both at once, as a page reloaded while its refresh runs: one exchanges, one repeats.
    const answers = await Promise.all([users.rpc.refresh(asked), users.rpc.refresh(asked)]);
    const first = answers.find((answer) => !answer.repeated);
    const repeat = answers.find((answer) => answer.repeated);
    const next = defined(first?.tokens, 'the exchange');
    const again = defined(repeat?.tokens, 'the repeat');
    // The refresh token the exchange's answer carried, again: whichever answer reaches the page.
    expect(again.refreshToken).toBe(next.refreshToken);
    expect(again.sessionId).toBe(next.sessionId);
    expect(again.accessToken).not.toBe(next.accessToken);
    expect(again.refreshTokenExpireTime).toEqual(next.refreshTokenExpireTime);
    const verified = await users.rpc.verifyAccessToken({ accessToken: again.accessToken });
    expect(verified.sessionId).toBe(next.sessionId);
    // The token it was exchanged for goes on working; the old one, without its key, is reuse.
    const third = defined(
      (await users.rpc.refresh({ refreshToken: next.refreshToken, retryKey: 'page-2' })).tokens,
      'tokens',
    );
    expect(third.refreshToken).not.toBe('');
    const copy = await failureOf(users.rpc.refresh({ refreshToken: registered.refreshToken }));
    expect(copy.errorCode).toBe('REFRESH_TOKEN_REUSED');
  });

  it('keeps a client signed in whose refresh answer never reached it: the repeat carries the new token, and the session goes on from it', async () => {
    const registered = defined((await users.rpc.register(aRegistration())).tokens, 'tokens');
    const asked = { refreshToken: registered.refreshToken, retryKey: 'page-1' };
    // The exchange is made, and its answer lost (a 504 at the gateway, a page gone).
    await users.rpc.refresh(asked);
    const repeat = await users.rpc.refresh(asked);
    expect(repeat.repeated).toBe(true);
    const held = defined(repeat.tokens, 'the repeat').refreshToken;
    expect(held).not.toBe('');
    // The client's next refresh, a new key with the token it now holds, is an ordinary exchange.
    const later = defined(
      (await users.rpc.refresh({ refreshToken: held, retryKey: 'page-2' })).tokens,
      'tokens',
    );
    expect(later.refreshToken).not.toBe(held);
    // And a copy of the token the repeat handed out, used after the client used it, is reuse.
    const copy = await failureOf(users.rpc.refresh({ refreshToken: held }));
    expect(copy.errorCode).toBe('REFRESH_TOKEN_REUSED');
  });

  it('takes a used token with its key as a copy once the token it was exchanged for was used', async () => {
    const input = aRegistration();
    const registered = defined((await users.rpc.register(input)).tokens, 'tokens');
    const asked = { refreshToken: registered.refreshToken, retryKey: 'page-1' };
    const next = defined((await users.rpc.refresh(asked)).tokens, 'tokens');
    const newest = defined(
      (await users.rpc.refresh({ refreshToken: next.refreshToken })).tokens,
      'tokens',
    );
    const copy = await failureOf(users.rpc.refresh(asked));
    expect(copy.errorCode).toBe('REFRESH_TOKEN_REUSED');
    const ended = await failureOf(users.rpc.refresh({ refreshToken: newest.refreshToken }));
    expect(ended.code).toBe(status.UNAUTHENTICATED);
  });

  it('refuses a retry key longer than an Idempotency-Key as INVALID_ARGUMENT', async () => {
    const registered = defined((await users.rpc.register(aRegistration())).tokens, 'tokens');
    const tooLong = await failureOf(
      users.rpc.refresh({ refreshToken: registered.refreshToken, retryKey: 'k'.repeat(256) }),
    );
    expect(tooLong.code).toBe(status.INVALID_ARGUMENT);
    await expect(
      users.rpc.refresh({ refreshToken: registered.refreshToken, retryKey: 'k'.repeat(255) }),
    ).resolves.toBeDefined();
  });

  it('logs out: the refresh token stops working, other sessions keep going', async () => {
    const input = aRegistration();
    const phone = defined((await users.rpc.register(input)).tokens, 'tokens');
    const laptop = defined((await users.rpc.login(input)).tokens, 'tokens');
    await users.rpc.logout({ refreshToken: phone.refreshToken });
    await users.rpc.logout({ refreshToken: phone.refreshToken });
    expect((await failureOf(users.rpc.refresh({ refreshToken: phone.refreshToken }))).code).toBe(
      status.UNAUTHENTICATED,
    );
    expect(
      (await failureOf(users.rpc.verifyAccessToken({ accessToken: phone.accessToken }))).code,
    ).toBe(status.UNAUTHENTICATED);
    await expect(users.rpc.refresh({ refreshToken: laptop.refreshToken })).resolves.toBeDefined();
  });

  it('refuses a made-up or malformed refresh token as UNAUTHENTICATED or INVALID_ARGUMENT', async () => {
    expect((await failureOf(users.rpc.refresh({ refreshToken: 'A'.repeat(43) }))).code).toBe(
      status.UNAUTHENTICATED,
    );
    expect((await failureOf(users.rpc.refresh({ refreshToken: "' OR 1=1 --" }))).code).toBe(
      status.UNAUTHENTICATED,
    );
    expect((await failureOf(users.rpc.refresh({ refreshToken: 'x'.repeat(10_240) }))).code).toBe(
      status.INVALID_ARGUMENT,
    );
    expect((await failureOf(users.rpc.refresh({ refreshToken: '' }))).code).toBe(
      status.INVALID_ARGUMENT,
    );
  });
});

describe('account changes', () => {
  it('changes the password, ending the other sessions and keeping the caller signed in', async () => {
    const input = aRegistration();
    const registered = await users.rpc.register(input);
    const accountId = defined(registered.account, 'account').id;
    const other = defined((await users.rpc.login(input)).tokens, 'tokens');
    const wrong = await failureOf(
      users.rpc.changePassword({
        accountId,
        currentPassword: 'not the password',
        newPassword: 'a brand new password',
      }),
    );
    expect(wrong.code).toBe(status.PERMISSION_DENIED);
    const changed = await users.rpc.changePassword({
      accountId,
      currentPassword: input.password,
      newPassword: 'a brand new password',
    });
    expect((await failureOf(users.rpc.refresh({ refreshToken: other.refreshToken }))).code).toBe(
      status.UNAUTHENTICATED,
    );
    await expect(
      users.rpc.refresh({ refreshToken: defined(changed.tokens, 'tokens').refreshToken }),
    ).resolves.toBeDefined();
    expect((await failureOf(users.rpc.login(input))).errorCode).toBe('INVALID_CREDENTIALS');
    await expect(
      users.rpc.login({ email: input.email, password: 'a brand new password' }),
    ).resolves.toBeDefined();
  });

  it('deletes an account: its tokens and id stop working', async () => {
    const input = aRegistration();
    const registered = await users.rpc.register(input);
    const accountId = defined(registered.account, 'account').id;
    const tokens = defined(registered.tokens, 'tokens');
    await users.rpc.deleteAccount({ accountId, currentPassword: input.password });
    expect((await failureOf(users.rpc.getAccount({ accountId }))).code).toBe(status.NOT_FOUND);
    expect(
      (await failureOf(users.rpc.verifyAccessToken({ accessToken: tokens.accessToken }))).code,
    ).toBe(status.UNAUTHENTICATED);
    expect((await failureOf(users.rpc.refresh({ refreshToken: tokens.refreshToken }))).code).toBe(
      status.UNAUTHENTICATED,
    );
    expect((await failureOf(users.rpc.listProfiles({ accountId }))).code).toBe(status.NOT_FOUND);
    expect((await failureOf(users.rpc.login(input))).errorCode).toBe('INVALID_CREDENTIALS');
  });

  it('rejects an account id that is not a UUID', async () => {
    const failure = await failureOf(users.rpc.getAccount({ accountId: '1; DELETE FROM accounts' }));
    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    expect(failure.fieldViolations).toEqual([
      { field: 'account_id', description: 'must be a UUID' },
    ]);
  });
});

describe('roles', () => {
  it('creates the configured bootstrap admin at boot', async () => {
    const login = await users.rpc.login({
      email: 'root@example.test',
      password: 'bootstrap admin password',
    });
    expect(defined(login.account, 'account').role).toBe(Role.ROLE_ADMIN);
    expect(decodeJwt(defined(login.tokens, 'tokens').accessToken).role).toBe('admin');
  });
});

describe('announcing ended sessions (SessionsEnded through the outbox)', () => {
  interface Announced {
    message_key: string;
    data: { accountId: string; sessionIds: string[]; reason: string; occurredAt: string };
  }
  const announced = (accountId: string) =>
    users.sql<Announced>(
      `SELECT message_key, data FROM outbox_events
        WHERE type = $1 AND message_key = $2 ORDER BY sequence`,
      [USERS_ACCOUNT_EVENTS.sessionsEnded, accountId],
    );

  it('announces a logout once, naming the session, however often it is repeated', async () => {
    const input = aRegistration();
    const registered = await users.rpc.register(input);
    const accountId = defined(registered.account, 'account').id;
    const tokens = defined(registered.tokens, 'tokens');
    await users.rpc.login(input);
    await users.rpc.logout({ refreshToken: tokens.refreshToken });
    await users.rpc.logout({ refreshToken: tokens.refreshToken });
    const events = await announced(accountId);
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({
      accountId,
      sessionIds: [tokens.sessionId],
      reason: 'logout',
    });
  });

  it('announces the session a reused refresh token ended', async () => {
    const registered = await users.rpc.register(aRegistration());
    const accountId = defined(registered.account, 'account').id;
    const tokens = defined(registered.tokens, 'tokens');
    await users.rpc.refresh({ refreshToken: tokens.refreshToken });
    await failureOf(users.rpc.refresh({ refreshToken: tokens.refreshToken }));
    await failureOf(users.rpc.refresh({ refreshToken: tokens.refreshToken }));
    expect((await announced(accountId)).map((e) => e.data)).toEqual([
      expect.objectContaining({ sessionIds: [tokens.sessionId], reason: 'refresh_token_reused' }),
    ]);
  });

  it('announces every open session a password change ends, not the one it starts', async () => {
    const input = aRegistration();
    const registered = await users.rpc.register(input);
    const accountId = defined(registered.account, 'account').id;
    const first = defined(registered.tokens, 'tokens');
    const second = defined((await users.rpc.login(input)).tokens, 'tokens');
    const changed = await users.rpc.changePassword({
      accountId,
      currentPassword: input.password,
      newPassword: 'a brand new password',
    });
    const [event] = await announced(accountId);
    expect(event?.data.reason).toBe('password_changed');
    expect([...(event?.data.sessionIds ?? [])].sort()).toEqual(
      [first.sessionId, second.sessionId].sort(),
    );
    expect(event?.data.sessionIds).not.toContain(defined(changed.tokens, 'tokens').sessionId);
  });

  it('announces the open sessions of a deleted account, keyed by the account', async () => {
    const input = aRegistration();
    const registered = await users.rpc.register(input);
    const accountId = defined(registered.account, 'account').id;
    const ended = defined(registered.tokens, 'tokens');
    const open = defined((await users.rpc.login(input)).tokens, 'tokens');
    await users.rpc.logout({ refreshToken: ended.refreshToken });
    await users.rpc.deleteAccount({ accountId, currentPassword: input.password });
    const events = await announced(accountId);
    expect(events.map((e) => e.data.reason)).toEqual(['logout', 'account_deleted']);
    expect(events[1]).toMatchObject({
      message_key: accountId,
      data: { accountId, sessionIds: [open.sessionId] },
    });
  });

  it("stores each of the contract's roles and refuses any other", async () => {
    const input = aRegistration();
    await users.rpc.register(input);
    const dataSource = users.running.app.get(DataSource);
    for (const role of [...ACCOUNT_ROLES.values].reverse()) {
      expect(await setAccountRole(dataSource, input.email, role)).toBe('changed');
      const login = await users.rpc.login(input);
      expect(defined(login.account, 'account').role).toBe(ACCOUNT_ROLES.toProto(role));
    }
    await expect(
      setAccountRole(dataSource, input.email, 'owner' as AccountRoleName),
    ).rejects.toThrow(/accounts_role_check/);
  });

  it('announces the sessions a demotion ends', async () => {
    const input = aRegistration();
    const registered = await users.rpc.register(input);
    const accountId = defined(registered.account, 'account').id;
    const dataSource = users.running.app.get(DataSource);
    expect(await setAccountRole(dataSource, input.email, 'admin')).toBe('changed');
    const admin = defined((await users.rpc.login(input)).tokens, 'tokens');
    expect(await setAccountRole(dataSource, input.email, 'viewer')).toBe('changed');
    const [event] = await announced(accountId);
    expect(event?.data.reason).toBe('role_changed');
    expect(event?.data.sessionIds).toContain(admin.sessionId);
  });
});
