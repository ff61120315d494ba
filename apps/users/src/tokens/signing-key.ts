import { createPrivateKey, createPublicKey, type KeyObject, type webcrypto } from 'node:crypto';

/**
 * A fixed P-256 key so `npm start` and tests work without setup. It is public (it is in the
 * repository), so the config refuses it when NODE_ENV=production.
 */
export const DEV_JWT_PRIVATE_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgkdGyDG9YwP66ZNW/
t/u+sLDwpDdNbz50yL/LDRU633qhRANCAATQCLWF8cbnzu1KqgcnwFCVmgCNckJZ
tGVikvtUrP8Ohbi0tfK1KAykDKCTvvd2w7is0kYPN2eeZsFBvhW/CFbe
-----END PRIVATE KEY-----
`;

const PKCS8_HEADER = '-----BEGIN PRIVATE KEY-----';

/** Why a PEM cannot sign ES256 access tokens, or undefined when it can. Never echoes the key. */
export function describeSigningKeyProblem(pem: string): string | undefined {
  if (!pem.startsWith(PKCS8_HEADER)) {
    return `expected a PKCS#8 PEM starting with "${PKCS8_HEADER}" (convert with \`openssl pkcs8 -topk8 -nocrypt\`)`;
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    return 'expected a readable, unencrypted PKCS#8 PEM private key';
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    return 'expected an EC P-256 (prime256v1) key, as ES256 requires';
  }
  return undefined;
}

/** The public half of the signing key as a JWK (kty, crv, x, y): what verifiers need. */
export function publicJwkOf(pem: string): webcrypto.JsonWebKey {
  const jwk = createPublicKey(createPrivateKey({ key: pem, format: 'pem' })).export({
    format: 'jwk',
  });
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
}
