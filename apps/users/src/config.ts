import {
  envInt,
  grpcServiceConfigShape,
  npmStartDefaults,
  secret,
  withServiceChecks,
} from '@kinema/platform';
import { z } from 'zod';
import { emailProblem, normaliseEmail, passwordProblem } from './accounts/account-credentials';
import { DEV_JWT_PRIVATE_KEY, describeSigningKeyProblem } from './tokens/signing-key';

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): about 25 ms per hash on one core, and
// with the libuv pool of 4 at most ~80 MiB in flight, which fits a 2-core, 256 MiB pod.
const ARGON2_DEFAULT_MEMORY_KIB = 19_456;
const ARGON2_DEFAULT_TIME_COST = 2;

/** Every variable the users service reads; defaults fit `npm start` (the embedded stand-ins). */
const usersSchema = z
  .object({
    ...grpcServiceConfigShape(npmStartDefaults('users')),
    // PKCS#8 PEM of a P-256 key. Environments often carry PEMs on one line with literal `\n`.
    JWT_PRIVATE_KEY: secret(
      z
        .string()
        .default(DEV_JWT_PRIVATE_KEY)
        .transform((value) => value.replace(/\\n/g, '\n').trim()),
    ),
    ACCESS_TOKEN_TTL_SECONDS: envInt(900, 30, 86_400),
    REFRESH_TOKEN_TTL_SECONDS: envInt(30 * 86_400, 60, 365 * 86_400),
    BOOTSTRAP_ADMIN_EMAIL: z.string().optional(),
    BOOTSTRAP_ADMIN_PASSWORD: secret(z.string().optional()),
    ARGON2_MEMORY_KIB: envInt(ARGON2_DEFAULT_MEMORY_KIB, 8, 1_048_576),
    ARGON2_TIME_COST: envInt(ARGON2_DEFAULT_TIME_COST, 1, 20),
  })
  .superRefine((config, ctx) => {
    const keyProblem = describeSigningKeyProblem(config.JWT_PRIVATE_KEY);
    if (keyProblem)
      ctx.addIssue({ code: 'custom', path: ['JWT_PRIVATE_KEY'], message: keyProblem });
    if (config.NODE_ENV === 'production') {
      if (config.JWT_PRIVATE_KEY === DEV_JWT_PRIVATE_KEY.trim()) {
        ctx.addIssue({
          code: 'custom',
          path: ['JWT_PRIVATE_KEY'],
          message: 'must be set to a private key of this deployment in production',
        });
      }
      // Lower costs exist for tests; production keeps at least the OWASP baseline.
      if (config.ARGON2_MEMORY_KIB < ARGON2_DEFAULT_MEMORY_KIB) {
        ctx.addIssue({
          code: 'custom',
          path: ['ARGON2_MEMORY_KIB'],
          message: `must be at least ${ARGON2_DEFAULT_MEMORY_KIB} in production`,
        });
      }
      if (config.ARGON2_TIME_COST < ARGON2_DEFAULT_TIME_COST) {
        ctx.addIssue({
          code: 'custom',
          path: ['ARGON2_TIME_COST'],
          message: `must be at least ${ARGON2_DEFAULT_TIME_COST} in production`,
        });
      }
    }
    if (config.BOOTSTRAP_ADMIN_EMAIL !== undefined) {
      const problem = emailProblem(normaliseEmail(config.BOOTSTRAP_ADMIN_EMAIL));
      if (problem)
        ctx.addIssue({
          code: 'custom',
          path: ['BOOTSTRAP_ADMIN_EMAIL'],
          message: `expected an email address: it ${problem}`,
        });
    }
    if (config.BOOTSTRAP_ADMIN_PASSWORD !== undefined) {
      const problem = passwordProblem(config.BOOTSTRAP_ADMIN_PASSWORD);
      if (problem)
        ctx.addIssue({
          code: 'custom',
          path: ['BOOTSTRAP_ADMIN_PASSWORD'],
          message: `the password ${problem}`,
        });
    }
    if (
      config.BOOTSTRAP_ADMIN_PASSWORD !== undefined &&
      config.BOOTSTRAP_ADMIN_EMAIL === undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['BOOTSTRAP_ADMIN_EMAIL'],
        message: 'expected an email address when BOOTSTRAP_ADMIN_PASSWORD is set',
      });
    }
  });

export const configSchema = withServiceChecks(usersSchema);

export type UsersConfig = z.output<typeof configSchema>;
