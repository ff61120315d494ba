import { isIP } from 'node:net';
import { VIDEO_UPLOAD_LIMITS } from '@kinema/contracts';
import { localGrpcTarget } from '@kinema/contracts/supervision';
import {
  baseConfigShape,
  envBool,
  envInt,
  envList,
  envPort,
  envUrl,
  kafkaConfigShape,
  secret,
  withKafkaChecks,
} from '@kinema/platform/config';
import { z } from 'zod';

/** Development-only grant key; VideosModule refuses to start with it when NODE_ENV=production. */
export const DEV_PLAYBACK_GRANT_SECRET = 'kinema-dev-playback-grant-secret';

/** Every variable the gateway reads; defaults fit `npm start` (everything on loopback). */
function trustedProxies() {
  return z
    .string()
    .default('false')
    .transform((value, context): false | number | string[] => {
      const text = value.trim();
      if (text === 'false' || text === '0') return false;
      if (/^[1-9]\d{0,1}$/.test(text)) return Number(text);
      const ranges = text.split(',').map((part) => part.trim());
      if (ranges.every((range) => isIP(range.split('/')[0] ?? '') !== 0)) return ranges;
      context.addIssue({
        code: 'custom',
        message:
          'expected false, a hop count (1 behind one ingress) or proxy addresses/CIDRs; ' +
          '"true" would trust every hop, letting a client choose its own address',
      });
      return z.NEVER;
    });
}

const gatewaySchema = z.object({
  ...baseConfigShape,
  HTTP_HOST: z.string().default('0.0.0.0'),
  HTTP_PORT: envPort(3000),
  /**
   * How long an idle keep-alive connection stays open. Above a proxy's own idle timeout behind a
   * load balancer (the default, as Fastify's); short where clients connect directly, so a stopping
   * replica sees its idle connections end within seconds.
   */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: envInt(72_000, 1_000, 600_000),
  /**
   * A keep-alive connection is closed (`Connection: close` on its next answer) once it is this old,
   * less up to 10% at random, so the client reconnects and load spreads again over the replicas,
   * one restarted or added included.
   */
  HTTP_MAX_CONNECTION_AGE_MS: envInt(60_000, 1_000, 3_600_000),
  /** Prometheus `/metrics` is served here, not on the public port. */
  OPS_HOST: z.string().default('0.0.0.0'),
  OPS_PORT: envPort(9400),
  /** A JSON request body must arrive whole within this long (slow clients are answered 408). */
  HTTP_BODY_TIMEOUT_MS: envInt(30_000, 100, 600_000),
  /** A video upload may run as long as it needs but must never stall for this long. */
  HTTP_UPLOAD_IDLE_TIMEOUT_MS: envInt(60_000, 100, 3_600_000),
  /** `dns:///host:port` (round-robin over every address the name resolves to) or `ip:port,ip:port`. */
  CATALOG_GRPC_TARGET: z.string().min(1).default(localGrpcTarget('catalog')),
  /** The users service (accounts, tokens, profiles, My List, progress); same syntax as above. */
  USERS_GRPC_TARGET: z.string().min(1).default(localGrpcTarget('users')),
  GRPC_DEADLINE_MS: envInt(5_000, 100, 120_000),
  /**
   * How long a session check (users' VerifyAccessToken) is trusted. A logout or account deletion
   * made through another replica takes effect within this; 0 checks on every request.
   */
  SESSION_CHECK_CACHE_MS: envInt(2_000, 0, 60_000),
  /** Kafka for real-time notifications and cache invalidation (each replica reads every event). */
  ...kafkaConfigShape,
  /** Catalog reads are cached this long at most (0 turns the cache off); events drop entries sooner. */
  CATALOG_CACHE_TTL_MS: envInt(30_000, 0, 3_600_000),
  /**
   * Catalog pages this replica keeps, and as many of the catalog's answers it maps further (in
   * Redis instead with REDIS_URL), within CATALOG_CACHE_MAX_BYTES.
   */
  CATALOG_CACHE_MAX_ENTRIES: envInt(5_000, 1, 1_000_000),
  /**
   * Bytes this replica keeps of catalog pages as it sends them (JSON and gzip), and as many again
   * of the catalog's answers it maps further; whichever bound is reached first, the least recently
   * used go first.
   */
  CATALOG_CACHE_MAX_BYTES: envInt(67_108_864, 65_536, 17_179_869_184),
  /** Prefix of the shared catalog cache's keys, with REDIS_URL (systems sharing a Redis keep apart). */
  CATALOG_CACHE_REDIS_PREFIX: z.string().min(1).default('kinema:gateway:catalog-cache:'),
  /**
   * Bytes this replica keeps of profiles' own rows (continue watching, My List) and the home pages
   * composed of them, for CATALOG_CACHE_TTL_MS at most; the least recently used go first.
   */
  PROFILE_ROWS_CACHE_MAX_BYTES: envInt(67_108_864, 65_536, 17_179_869_184),
  /** A WebSocket client whose unsent data exceeds this is disconnected. */
  WS_MAX_BUFFERED_BYTES: envInt(1_048_576, 1_024, 268_435_456),
  WS_PING_INTERVAL_MS: envInt(30_000, 100, 600_000),
  /** `auth` messages one WebSocket may send per minute before it is closed (1008). */
  WS_AUTH_PER_MINUTE: envInt(10, 1, 10_000),
  /** Rate limits and the catalog cache shared by every replica; unset keeps both in memory. */
  REDIS_URL: secret(
    z.preprocess(
      (value) => (value === '' ? undefined : value),
      envUrl(['redis', 'rediss']).optional(),
    ),
  ),
  /** Prefix of the limiter's Redis keys, so several deployments can share one Redis. */
  RATE_LIMIT_REDIS_PREFIX: z.string().default('kinema:gateway:throttle:'),
  /** Prefix of the Redis keys holding POST results by Idempotency-Key (with REDIS_URL). */
  IDEMPOTENCY_REDIS_PREFIX: z.string().min(1).default('kinema:gateway:idempotency:'),
  /** Sign-in, registration and refresh attempts per client IP per window. */
  RATE_LIMIT_AUTH_PER_IP: envInt(20, 1, 1_000_000),
  /**
   * Sign-in and registration attempts per email address from one client IP per window: slows
   * password guessing without letting a stranger's failures lock the owner out from elsewhere.
   */
  RATE_LIMIT_AUTH_PER_EMAIL: envInt(10, 1, 1_000_000),
  /**
   * Attempts per email address from all IPs together per window: the ceiling on guessing one
   * account from many addresses. Only that many addresses' worth of traffic can lock its owner out.
   */
  RATE_LIMIT_AUTH_PER_EMAIL_ALL_SOURCES: envInt(100, 1, 1_000_000),
  RATE_LIMIT_AUTH_WINDOW_SECONDS: envInt(60, 1, 86_400),
  /** Every other request, per signed-in account (per IP when anonymous), per window. */
  RATE_LIMIT_REQUESTS: envInt(1_200, 1, 10_000_000),
  RATE_LIMIT_WINDOW_SECONDS: envInt(60, 1, 86_400),
  /** Allowed CORS origins, comma-separated; `*` allows any. */
  CORS_ORIGINS: envList('*'),
  /**
   * Proxies in front whose X-Forwarded-* the gateway believes, for client IPs (per-IP limits) and
   * the protocol: `false` (none), a hop count (`1` behind one ingress), or their addresses and
   * CIDR ranges, comma-separated. Never "every hop": a client would then pick its own address.
   */
  TRUST_PROXY: trustedProxies(),
  BODY_LIMIT_BYTES: envInt(1_048_576, 1_024, 104_857_600),
  DOCS_ENABLED: envBool(true),
  /**
   * The built web app (`npx nx run web:build`), served at `/`; relative to the working directory.
   * Without an index.html there, `/` answers a page saying how to build it.
   */
  WEB_DIST_DIR: z.string().min(1).default('apps/web/dist'),
  // --- Videos: upload and playback ---
  /** The videos service (upload, ranged reads, presigned URLs); same syntax as above. */
  VIDEOS_GRPC_TARGET: z.string().min(1).default(localGrpcTarget('videos')),
  /**
   * Largest video file an upload may declare (Content-Length); larger ones get 413. At most what
   * S3 can hold in one multipart upload (VIDEO_UPLOAD_LIMITS).
   */
  VIDEO_UPLOAD_MAX_BYTES: envInt(2 * 1024 ** 3, 1, VIDEO_UPLOAD_LIMITS.maxBytes),
  /** Uploads one account may have in progress on one replica; another is 429 with Retry-After. */
  VIDEO_UPLOADS_PER_ACCOUNT: envInt(2, 1, 100),
  /** Deadline of one upload (a whole film from a slow client). */
  VIDEO_TRANSFER_DEADLINE_MS: envInt(4 * 3_600_000, 10_000, 24 * 3_600_000),
  /** `proxy`: bytes flow through the gateway; `redirect`: 302 to a presigned object-store URL. */
  PLAYBACK_MODE: z.enum(['proxy', 'redirect']).default('proxy'),
  /**
   * Where `redirect` sends players (the object store's public endpoint, videos' S3_PUBLIC_ENDPOINT):
   * the pages' Content-Security-Policy lets media load from this origin and no other.
   */
  PLAYBACK_MEDIA_ORIGIN: envUrl(['http', 'https']).optional(),
  /** HMAC key of playback grants (`?grant=` URLs for <video src>); the dev default is refused in production. */
  PLAYBACK_GRANT_SECRET: secret(z.string().min(16).default(DEV_PLAYBACK_GRANT_SECRET)),
  /** Lifetime of a playback grant: long enough to watch a film, short enough to leak little. */
  PLAYBACK_GRANT_TTL_SECONDS: envInt(4 * 3_600, 60, 86_400),
  /** Lifetime of a presigned URL in redirect mode (players re-ask through the gateway after). */
  PLAYBACK_PRESIGN_TTL_SECONDS: envInt(300, 1, 3_600),
});

export const configSchema = withKafkaChecks(gatewaySchema);

export type GatewayConfig = z.output<typeof configSchema>;

/** Injection token: the gateway's validated configuration (GatewayConfig), given by AppModule. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
