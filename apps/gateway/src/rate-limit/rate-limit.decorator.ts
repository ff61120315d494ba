import { SetMetadata } from '@nestjs/common';

export const AUTH_RATE_LIMIT_KEY = 'kinema:auth-rate-limit';

/**
 * Puts a route under the tight sign-in limits (per client IP, and per email when the body names
 * one) instead of the looser per-account limit every other route has.
 */
export const AuthRateLimited = (): MethodDecorator & ClassDecorator =>
  SetMetadata(AUTH_RATE_LIMIT_KEY, true);
