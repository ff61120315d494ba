import { createHmac } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { ACCESS_TOKEN, type SigningKey } from '@kinema/contracts';
import { AccessTokenVerifier } from './access-token.verifier';
import { SigningKeyCache } from './signing-keys';

const KID = 'key-1';

async function es256Key(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(publicKey);
  const published: SigningKey = {
    kid,
    kty: String(jwk.kty),
    crv: String(jwk.crv),
    x: String(jwk.x),
    y: String(jwk.y),
    alg: 'ES256',
    use: 'sig',
  };
  return { privateKey, publicKey, published };
}

interface TokenOptions {
  kid?: string;
  issuer?: string;
  audience?: string;
  expiresAt?: number;
  typ?: string;
}

function sign(key: CryptoKey, options: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: 'viewer', sid: 'session-1' })
    .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? KID, typ: options.typ ?? 'at+jwt' })
    .setIssuer(options.issuer ?? ACCESS_TOKEN.issuer)
    .setAudience(options.audience ?? ACCESS_TOKEN.audience)
    .setSubject('account-1')
    .setIssuedAt(now)
    .setExpirationTime(options.expiresAt ?? now + 900)
    .setJti('jti-1')
    .sign(key);
}

const b64 = (value: object | string) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;
}

describe('AccessTokenVerifier', () => {
  let key: Awaited<ReturnType<typeof es256Key>>;
  let fetches: number;
  let published: SigningKey[];
  let verifier: AccessTokenVerifier;
  let clock: number;

  beforeAll(async () => {
    key = await es256Key(KID);
  });

  beforeEach(() => {
    fetches = 0;
    clock = 0;
    published = [key.published];
    verifier = new AccessTokenVerifier(
      new SigningKeyCache(
        async () => {
          fetches += 1;
          return published;
        },
        10_000,
        () => clock,
      ),
    );
  });

  it('accepts a token of the users service and reads account, role and session', async () => {
    const claims = await verifier.verify(await sign(key.privateKey));
    expect(claims).toMatchObject({
      accountId: 'account-1',
      role: 'viewer',
      sessionId: 'session-1',
    });
  });

  it('refuses a token whose signature was tampered with', async () => {
    const [header, payload, signature = ''] = (await sign(key.privateKey)).split('.');
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await verifier.verify(`${header}.${payload}.${flipped}`)).toBeUndefined();
  });

  it('refuses a token whose claims were changed (role raised to admin) after signing', async () => {
    const [header, payload = '', signature] = (await sign(key.privateKey)).split('.');
    const raised = b64({ ...payloadOf(`x.${payload}.x`), role: 'admin' });
    expect(await verifier.verify(`${header}.${raised}.${signature}`)).toBeUndefined();
  });

  it('refuses `alg: none`', async () => {
    const claims = payloadOf(await sign(key.privateKey));
    const unsigned = `${b64({ alg: 'none', typ: 'at+jwt', kid: KID })}.${b64({ ...claims, role: 'admin' })}.`;
    expect(await verifier.verify(unsigned)).toBeUndefined();
  });

  it('refuses an HS256 token signed with the public key as the HMAC secret', async () => {
    const claims = payloadOf(await sign(key.privateKey));
    const secrets = [
      await exportSPKI(key.publicKey),
      JSON.stringify(key.published),
      key.published.x,
    ];
    for (const secret of secrets) {
      const input = `${b64({ alg: 'HS256', typ: 'at+jwt', kid: KID })}.${b64({ ...claims, role: 'admin' })}`;
      const mac = createHmac('sha256', secret).update(input).digest('base64url');
      expect(await verifier.verify(`${input}.${mac}`)).toBeUndefined();
    }
  });

  it('refuses an expired token', async () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    expect(await verifier.verify(await sign(key.privateKey, { expiresAt: past }))).toBeUndefined();
  });

  it('stops accepting a token it verified before once that token expires', async () => {
    let now = Date.now();
    const clocked = new AccessTokenVerifier(new SigningKeyCache(async () => published), () => now);
    const token = await sign(key.privateKey, { expiresAt: Math.floor(now / 1000) + 60 });
    expect(clocked.verifiedNow(token)).toBeUndefined();
    expect((await clocked.verify(token))?.accountId).toBe('account-1');
    now += 30_000;
    expect(clocked.verifiedNow(token)?.accountId).toBe('account-1');
    expect((await clocked.verify(token))?.accountId).toBe('account-1');
    now += 31_000;
    expect(clocked.verifiedNow(token)).toBeUndefined();
    expect(await clocked.verify(token)).toBeUndefined();
  });

  it('refuses a token for another audience or from another issuer', async () => {
    expect(
      await verifier.verify(await sign(key.privateKey, { audience: 'another-api' })),
    ).toBeUndefined();
    expect(
      await verifier.verify(await sign(key.privateKey, { issuer: 'someone-else' })),
    ).toBeUndefined();
  });

  it('refuses a JWT of another type (not an access token)', async () => {
    expect(await verifier.verify(await sign(key.privateKey, { typ: 'JWT' }))).toBeUndefined();
  });

  it('refuses a token signed by a key the users service does not publish', async () => {
    const stranger = await es256Key(KID);
    expect(await verifier.verify(await sign(stranger.privateKey))).toBeUndefined();
  });

  it('refuses garbage and oversized input without throwing', async () => {
    expect(await verifier.verify('not.a.jwt')).toBeUndefined();
    expect(await verifier.verify('x'.repeat(10_000))).toBeUndefined();
  });

  it('caches published keys, and refetches when a token names a new kid (key rotation)', async () => {
    await verifier.verify(await sign(key.privateKey));
    await verifier.verify(await sign(key.privateKey));
    expect(fetches).toBe(1);
    const rotated = await es256Key('key-2');
    published = [key.published, rotated.published];
    clock += 10_000;
    const claims = await verifier.verify(await sign(rotated.privateKey, { kid: 'key-2' }));
    expect(claims?.accountId).toBe('account-1');
    expect(fetches).toBe(2);
  });

  it('refetches at most once per interval however many unknown kids arrive', async () => {
    await verifier.verify(await sign(key.privateKey));
    clock += 10_000;
    for (let i = 0; i < 20; i++) {
      expect(
        await verifier.verify(await sign(key.privateKey, { kid: `random-${i}` })),
      ).toBeUndefined();
    }
    expect(fetches).toBe(2);
  });

  it('treats a failure to fetch keys as an outage, not as an invalid token', async () => {
    const broken = new AccessTokenVerifier(
      new SigningKeyCache(() => Promise.reject(new Error('users unavailable'))),
    );
    await expect(broken.verify(await sign(key.privateKey))).rejects.toThrow('users unavailable');
  });
});
