import { generateKeyPairSync } from 'node:crypto';
import { DEV_JWT_PRIVATE_KEY } from './signing-key';
import { newRefreshToken, REFRESH_TOKEN_PATTERN, successorKey, successorOf } from './refresh-token';

describe("a refresh token's successor", () => {
  const key = successorKey(DEV_JWT_PRIVATE_KEY);
  const presented = newRefreshToken();

  it('is a token of the same shape as a random one, the same for the same exchange', () => {
    const next = successorOf(key, presented, 'page-1');
    expect(next).toMatch(REFRESH_TOKEN_PATTERN);
    expect(successorOf(successorKey(DEV_JWT_PRIVATE_KEY), presented, 'page-1')).toBe(next);
  });

  it('differs with the used token, the retry key, and the signing key it is derived from', () => {
    const next = successorOf(key, presented, 'page-1');
    expect(successorOf(key, newRefreshToken(), 'page-1')).not.toBe(next);
    expect(successorOf(key, presented, 'page-2')).not.toBe(next);
    const otherPem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    expect(successorOf(successorKey(otherPem), presented, 'page-1')).not.toBe(next);
  });
});
