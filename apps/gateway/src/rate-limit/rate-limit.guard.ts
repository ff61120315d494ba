import { Injectable, Logger, type ExecutionContext } from '@nestjs/common';
import {
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerRequest,
} from '@nestjs/throttler';
import { problem } from '@kinema/platform/errors';
import { ProblemException } from '../http/problem.exception';
import { rateLimitRefusals } from './rate-limit-refusals';

/** @nestjs/throttler's guard answering problem+json 429 with a plain Retry-After. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly log = new Logger('RateLimitGuard');

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    try {
      return await super.handleRequest(request);
    } catch (error) {
      if (error instanceof ProblemException) {
        rateLimitRefusals.inc({ budget: request.throttler.name ?? 'default' });
        throw error;
      }
      // The limiter's store (Redis) failing must not take the API down with it: fail open and
      // say so loudly. Sign-in stays expensive to abuse through argon2 in the users service.
      this.log.warn(`rate limiter unavailable, request let through: ${String(error)}`);
      return true;
    }
  }

  protected override async throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const seconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    throw new ProblemException(
      problem(429, 'Too Many Requests', {
        code: 'RATE_LIMITED',
        detail: `Too many requests; try again in ${seconds} s.`,
      }),
      { 'retry-after': String(seconds) },
    );
  }
}
