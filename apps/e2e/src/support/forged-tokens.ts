import { createHmac, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

/** The signing key the test system's users service is started with, so tests can mint tokens. */
export function testSigningKey(): { privateKey: KeyObject; publicKey: KeyObject; pem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKey,
    publicKey,
    pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;
}

export function headerOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;
}

/** Re-signs real claims with the real key, changing what a test wants (expiry, audience, ...). */
export function resign(
  token: string,
  key: KeyObject,
  change: { exp?: number; aud?: string; role?: string },
): Promise<string> {
  const claims = { ...claimsOf(token), ...change };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: String(headerOf(token)['kid']), typ: 'at+jwt' })
    .sign(key);
}

export function withFlippedSignature(token: string): string {
  const [header, payload, signature = ''] = token.split('.');
  const last = signature.at(-2) === 'A' ? 'B' : 'A';
  return `${header}.${payload}.${signature.slice(0, -2)}${last}${signature.at(-1) ?? ''}`;
}

/** `alg: none`, claims raised to admin. */
export function unsigned(token: string): string {
  return `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ ...claimsOf(token), role: 'admin' })}.`;
}

/** HS256 "signed" with the public key (PEM) as the HMAC secret: the classic key-confusion attack. */
export function hmacWithPublicKey(token: string, publicKey: KeyObject): string {
  const input = `${b64({ alg: 'HS256', typ: 'at+jwt', kid: headerOf(token)['kid'] })}.${b64({ ...claimsOf(token), role: 'admin' })}`;
  const secret = publicKey.export({ format: 'pem', type: 'spki' }).toString();
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
