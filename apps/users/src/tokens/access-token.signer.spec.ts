import { generateKeyPairSync } from 'node:crypto';
import { ACCESS_TOKEN } from '@kinema/contracts';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { AccessTokenSigner } from './access-token.signer';
import { DEV_JWT_PRIVATE_KEY, describeSigningKeyProblem } from './signing-key';

const subject = {
  accountId: '6f1c2a8e-5d7b-4c1e-9a3f-2b8d7e6c5a41',
  role: 'viewer' as const,
  sessionId: '0b7e9d2c-3a4f-4e5d-8c6b-1a2f3e4d5c6b',
};

function pkcs8(type: 'ec' | 'rsa', namedCurve = 'P-256'): string {
  const { privateKey } =
    type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

describe('access tokens', () => {
  it('carry iss, aud, sub, role, sid, jti and an exp TTL seconds after iat', async () => {
    const signer = await AccessTokenSigner.create(DEV_JWT_PRIVATE_KEY, 900);
    const now = new Date('2030-01-01T00:00:00Z');
    const { token, expiresAt } = await signer.sign(subject, now);
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: ACCESS_TOKEN.issuer,
      aud: ACCESS_TOKEN.audience,
      sub: subject.accountId,
      role: 'viewer',
      sid: subject.sessionId,
      iat: now.getTime() / 1000,
      exp: now.getTime() / 1000 + 900,
    });
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(expiresAt).toEqual(new Date(now.getTime() + 900_000));
  });

  it('verify with the published JWK set, as the gateway will', async () => {
    const signer = await AccessTokenSigner.create(DEV_JWT_PRIVATE_KEY, 900);
    const { token } = await signer.sign(subject);
    const keys = createLocalJWKSet({ keys: signer.publicKeys() });
    const { payload } = await jwtVerify(token, keys, {
      issuer: 'kinema-users',
      audience: 'kinema-api',
      algorithms: ['ES256'],
    });
    expect(payload.sub).toBe(subject.accountId);
    expect(signer.publicKeys()[0]).not.toHaveProperty('d');
  });

  it('are refused once expired, when signed by another key, or when tampered with', async () => {
    const signer = await AccessTokenSigner.create(DEV_JWT_PRIVATE_KEY, 60);
    const other = await AccessTokenSigner.create(pkcs8('ec'), 60);
    const issued = new Date('2030-01-01T00:00:00Z');
    const { token } = await signer.sign(subject, issued);
    expect(await signer.verify(token, new Date(issued.getTime() + 30_000))).toMatchObject(subject);
    expect(await signer.verify(token, new Date(issued.getTime() + 61_000))).toBeUndefined();
    expect(await other.verify(token, issued)).toBeUndefined();
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(token), role: 'admin' })).toString(
      'base64url',
    );
    expect(await signer.verify(`${header}.${forged}.${signature}`, issued)).toBeUndefined();
  });
});

describe('signing key checks', () => {
  it('accept a P-256 PKCS#8 key and explain everything else without echoing it', () => {
    expect(describeSigningKeyProblem(DEV_JWT_PRIVATE_KEY)).toBeUndefined();
    expect(describeSigningKeyProblem(pkcs8('ec', 'P-384'))).toMatch(/P-256/);
    expect(describeSigningKeyProblem(pkcs8('rsa'))).toMatch(/P-256/);
    expect(describeSigningKeyProblem('-----BEGIN EC PRIVATE KEY-----\nabc')).toMatch(/PKCS#8/);
    expect(
      describeSigningKeyProblem(
        '-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----',
      ),
    ).toMatch(/readable/);
  });
});
