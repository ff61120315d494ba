import { Counter } from 'prom-client';

/**
 * Requests answered 429, by the budget that ran out (`auth-ip`, `auth-email`, `auth-email-all`,
 * `requests`, `auth-failed`): who is being held back, and by which rule.
 */
export const rateLimitRefusals = new Counter({
  name: 'gateway_rate_limit_refusals_total',
  help: 'Requests refused with 429, by the rate-limit budget that ran out.',
  labelNames: ['budget'] as const,
});
