import {
  envInt,
  grpcServiceConfigShape,
  npmStartDefaults,
  secret,
  withServiceChecks,
} from '@kinema/platform';
import { z } from 'zod';

/** Every variable the catalog reads; defaults fit `npm start` (the embedded stand-ins). */
const catalogSchema = z
  .object({
    ...grpcServiceConfigShape(npmStartDefaults('catalog')),
    /** How long a silent consumer keeps its partitions before the group hands them to another replica. */
    KAFKA_CONSUMER_SESSION_TIMEOUT_MS: envInt(30_000, 3_000, 300_000),
    CURSOR_SECRET: secret(
      z.string().min(16, 'expected at least 16 characters').default('kinema-dev-cursor-secret'),
    ),
    // When > 0 and the catalog is empty, boot generates this many demo titles (npm start seeds
    // in a job of its own before the catalog starts).
    DEMO_SEED_TITLES: envInt(0, 0, 100_000),
  })
  .superRefine((config, ctx) => {
    if (config.NODE_ENV === 'production' && config.CURSOR_SECRET === 'kinema-dev-cursor-secret') {
      ctx.addIssue({
        code: 'custom',
        path: ['CURSOR_SECRET'],
        message: 'must be set to a private value in production',
      });
    }
  });

export const configSchema = withServiceChecks(catalogSchema);

export type CatalogConfig = z.output<typeof configSchema>;
