import { importJWK, type CryptoKey } from 'jose';
import { ACCESS_TOKEN, type SigningKey } from '@kinema/contracts';
import { runForCallers } from '@kinema/platform/logging';

/** The only algorithm access tokens may use; `none`, HMAC and every other alg are refused. */
const ACCESS_TOKEN_ALGORITHM = ACCESS_TOKEN.algorithm;

/** Where published keys come from: users' GetSigningKeys in the app, a stub in tests. */
export type SigningKeyFetcher = () => Promise<SigningKey[]>;

// A token naming a kid we do not hold may mean the users service rotated its key, so we refetch;
// but an attacker can send random kids, so at most one refetch per this interval.
const DEFAULT_MIN_REFETCH_MS = 10_000;

/** Cache of the users service's public keys by kid, refetched when a token names an unknown kid. */
export class SigningKeyCache {
  private keys = new Map<string, CryptoKey>();
  private lastFetchAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly fetchKeys: SigningKeyFetcher,
    private readonly minRefetchMs = DEFAULT_MIN_REFETCH_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** The key for `kid`, fetching the published set first when it is unknown; undefined if none. */
  async keyFor(kid: string): Promise<CryptoKey | undefined> {
    const known = this.keys.get(kid);
    if (known) return known;
    if (this.now() - this.lastFetchAt >= this.minRefetchMs) await this.refetch();
    return this.keys.get(kid);
  }

  private refetch(): Promise<void> {
    // Concurrent requests with a new kid share one fetch.
    // Shared by every request that asks meanwhile: none of them leaving cancels it.
    this.inFlight ??= runForCallers(undefined, () => this.load()).finally(
      () => (this.inFlight = undefined),
    );
    return this.inFlight;
  }

  private async load(): Promise<void> {
    const published = await this.fetchKeys();
    const keys = new Map<string, CryptoKey>();
    for (const jwk of published) {
      // Only P-256 signing keys for ES256 are usable; anything else is ignored, not trusted.
      if (
        jwk.kty !== 'EC' ||
        jwk.crv !== 'P-256' ||
        (jwk.alg && jwk.alg !== ACCESS_TOKEN_ALGORITHM)
      )
        continue;
      if (jwk.use && jwk.use !== 'sig') continue;
      const key = await importJWK(
        { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y },
        ACCESS_TOKEN_ALGORITHM,
      );
      keys.set(jwk.kid, key as CryptoKey);
    }
    this.keys = keys;
    this.lastFetchAt = this.now();
  }
}
