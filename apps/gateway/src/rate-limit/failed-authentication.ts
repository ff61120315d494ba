import { problem } from '@kinema/platform/errors';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from '../http/problem.exception';
import { addressTracker } from './client-network';
import { rateLimitRefusals } from './rate-limit-refusals';
import { limiterKey } from './request-budget';

export interface FailedAuthenticationLimit {
  /** Refused tokens per client IP per window before the caller gets 429 instead of 401. */
  limit: number;
  windowMs: number;
  keyPrefix: string;
}

/**
 * Counts refused bearer tokens against the caller's address, in the limiter's own store (Redis
 * when configured, so every replica counts together). The auth guard refuses a token before the
 * rate-limit guard runs, so without this a client sending an ended session's token could call
 * as fast as it liked; past the limit it gets 429 with Retry-After instead of 401.
 */
export class FailedAuthentication {
  constructor(
    private readonly storage: ThrottlerStorage,
    private readonly options: FailedAuthenticationLimit,
  ) {}

  async count(request: FastifyRequest): Promise<void> {
    const key = limiterKey(this.options.keyPrefix, 'auth-failed', addressTracker(request.ip));
    const record = await this.storage
      .increment(
        key,
        this.options.windowMs,
        this.options.limit,
        this.options.windowMs,
        'auth-failed',
      )
      // The limiter's store failing must not turn a 401 into a 500 (the guard fails open too).
      .catch(() => undefined);
    if (!record?.isBlocked) return;
    rateLimitRefusals.inc({ budget: 'auth-failed' });
    const seconds = Math.max(1, Math.ceil(record.timeToBlockExpire));
    throw new ProblemException(
      problem(429, 'Too Many Requests', {
        code: 'RATE_LIMITED',
        detail: `Too many refused access tokens from this address; try again in ${seconds} s.`,
      }),
      { 'retry-after': String(seconds) },
    );
  }
}
