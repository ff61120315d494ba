import {
  envBool,
  envInt,
  envUrl,
  grpcServiceConfigShape,
  npmStartDefaults,
  secret,
  withServiceChecks,
} from '@kinema/platform';
import { VIDEO_UPLOAD_LIMITS } from '@kinema/contracts';
import { z } from 'zod';

// Credentials of the embedded S3 server (which accepts any); MinIO's come from a Secret.
const DEV_S3_ACCESS_KEY_ID = 'kinema-dev';
const DEV_S3_SECRET_ACCESS_KEY = 'kinema-dev-secret';

/** Every variable the videos service reads; defaults fit `npm start` (the embedded stand-ins). */
const videosSchema = z
  .object({
    ...grpcServiceConfigShape(npmStartDefaults('videos')),
    S3_ENDPOINT: envUrl(['http', 'https'], 'http://127.0.0.1:19000'),
    S3_REGION: z.string().min(1, 'expected a region name').default('us-east-1'),
    S3_BUCKET: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name')
      .default('kinema-videos'),
    /**
     * `static`: the two keys below. `default-chain`: the AWS SDK's default credential chain (web
     * identity as on EKS IRSA, container or instance metadata, AWS_* env); the keys are not read.
     */
    S3_CREDENTIALS: z
      .enum(['static', 'default-chain'], { error: 'expected static or default-chain' })
      .default('static'),
    S3_ACCESS_KEY_ID: secret(z.string().min(1).default(DEV_S3_ACCESS_KEY_ID)),
    S3_SECRET_ACCESS_KEY: secret(z.string().min(1).default(DEV_S3_SECRET_ACCESS_KEY)),
    // MinIO and the embedded server address buckets by path, not by virtual host.
    S3_FORCE_PATH_STYLE: envBool(true),
    // Where players reach the object store (e.g. through the ingress); presigned playback URLs
    // are signed for this host. Unset: PresignPlayback answers FAILED_PRECONDITION.
    S3_PUBLIC_ENDPOINT: envUrl(['http', 'https']).optional(),
    // At most S3's 10,000 parts of UPLOAD_PART_BYTES (78.1 GiB): an upload is written once, in
    // parts, to its final object; its SHA-256 lives in the database.
    UPLOAD_MAX_BYTES: envInt(2 * 1024 ** 3, 1, VIDEO_UPLOAD_LIMITS.maxBytes),
    // Uploads this process stores at once; one more is refused UNAVAILABLE (503 + Retry-After
    // at the edge) before a byte is read. Each holds about 1 MiB (the bytes in flight).
    UPLOAD_MAX_CONCURRENT: envInt(8, 1, 1_000),
    // How often each replica marks its uploads in progress alive and sweeps up after dead ones
    // (5 min), and how long an upload may go unmarked before it counts as dead (15 min; also
    // the least age of a multipart upload no row owns before it is aborted).
    UPLOAD_SWEEP_INTERVAL_MS: envInt(300_000, 100, 86_400_000),
    UPLOAD_STALE_AFTER_MS: envInt(900_000, 1_000, 7 * 86_400_000),
  })
  .superRefine((config, ctx) => {
    if (config.UPLOAD_STALE_AFTER_MS < 2 * config.UPLOAD_SWEEP_INTERVAL_MS) {
      // Live uploads are marked once per interval: a shorter age would fail them.
      ctx.addIssue({
        code: 'custom',
        path: ['UPLOAD_STALE_AFTER_MS'],
        message: 'must be at least twice UPLOAD_SWEEP_INTERVAL_MS',
      });
    }
    if (config.NODE_ENV !== 'production' || config.S3_CREDENTIALS !== 'static') return;
    if (config.S3_ACCESS_KEY_ID === DEV_S3_ACCESS_KEY_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['S3_ACCESS_KEY_ID'],
        message: 'must be set to the access key of this deployment in production',
      });
    }
    if (config.S3_SECRET_ACCESS_KEY === DEV_S3_SECRET_ACCESS_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['S3_SECRET_ACCESS_KEY'],
        message: 'must be set to the secret key of this deployment in production',
      });
    }
  });

export const configSchema = withServiceChecks(videosSchema);

export type VideosConfig = z.output<typeof configSchema>;
