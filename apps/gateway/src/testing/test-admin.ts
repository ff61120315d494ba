import { randomUUID } from 'node:crypto';
import { status, type sendUnaryData } from '@grpc/grpc-js';
import { ACCESS_TOKEN, ACCOUNT_ROLES, Role, type AccountRoleName } from '@kinema/contracts';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { grpcFailure } from './fake-services';

export const TEST_ADMIN_ACCOUNT = '6f1c2a8e-5d7b-4c1e-9a3f-2b8d7e6c5a41';
const TEST_ADMIN_SESSION = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';

type UsersHandler = (call: unknown, done: sendUnaryData<unknown>) => void;

/** Someone the test token issuer signs for. */
export interface TestCaller {
  accountId: string;
  role: AccountRoleName;
  sessionId: string;
}

/** A viewer account of its own, with one session: a test's caller that no other test shares. */
export function aTestViewer(): TestCaller {
  return { accountId: randomUUID(), role: 'viewer', sessionId: randomUUID() };
}

/**
 * Signs access tokens as the users service does, for gateway tests: `sign` makes a caller's
 * token, and `getSigningKeys` is the users-service handler that makes the gateway trust them.
 */
export async function testTokenIssuer(): Promise<{
  sign: (caller: TestCaller) => Promise<string>;
  getSigningKeys: UsersHandler;
}> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  return {
    sign: (caller) =>
      new SignJWT({ role: caller.role, sid: caller.sessionId })
        .setProtectedHeader({ alg: ACCESS_TOKEN.algorithm, kid: 'k1', typ: ACCESS_TOKEN.type })
        .setSubject(caller.accountId)
        .setIssuer(ACCESS_TOKEN.issuer)
        .setAudience(ACCESS_TOKEN.audience)
        .setExpirationTime('10m')
        .sign(privateKey as CryptoKey),
    getSigningKeys: (_call, done) =>
      done(null, {
        keys: [
          { kid: 'k1', kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, alg: 'ES256', use: 'sig' },
        ],
        issuer: ACCESS_TOKEN.issuer,
        audience: ACCESS_TOKEN.audience,
      }),
  };
}

/**
 * Signed-in callers for gateway tests: a token each, and the users-service handlers (signing
 * keys, a session check that knows exactly these tokens) that make the gateway accept them.
 */
export async function testSessions(callers: TestCaller[]): Promise<{
  tokens: Map<TestCaller, string>;
  users: { getSigningKeys: UsersHandler; verifyAccessToken: UsersHandler };
}> {
  const issuer = await testTokenIssuer();
  const tokens = new Map<TestCaller, string>();
  for (const caller of callers) tokens.set(caller, await issuer.sign(caller));
  const byToken = new Map([...tokens].map(([caller, token]) => [token, caller]));
  return {
    tokens,
    users: {
      getSigningKeys: issuer.getSigningKeys,
      verifyAccessToken: (call, done) => {
        const caller = byToken.get(
          (call as { request: { accessToken: string } }).request.accessToken,
        );
        if (!caller)
          return done(grpcFailure(status.UNAUTHENTICATED, 'INVALID_ACCESS_TOKEN', 'Unknown.'));
        done(null, {
          accountId: caller.accountId,
          role: ACCOUNT_ROLES.toProto(caller.role),
          sessionId: caller.sessionId,
        });
      },
    },
  };
}

/**
 * A signed-in admin for gateway tests: an access token, and the users-service handlers
 * (signing keys, session check) that make the gateway accept it.
 */
export async function testAdmin(): Promise<{
  token: string;
  users: Record<string, UsersHandler>;
}> {
  const issuer = await testTokenIssuer();
  const token = await issuer.sign({
    accountId: TEST_ADMIN_ACCOUNT,
    role: 'admin',
    sessionId: TEST_ADMIN_SESSION,
  });
  return {
    token,
    users: {
      getSigningKeys: issuer.getSigningKeys,
      verifyAccessToken: (_call, done) =>
        done(null, {
          accountId: TEST_ADMIN_ACCOUNT,
          role: Role.ROLE_ADMIN,
          sessionId: TEST_ADMIN_SESSION,
        }),
    },
  };
}
