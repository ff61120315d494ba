import { baseConfigShape, envBool, envInt, envList, envPort } from '@kinema/platform';
import { z } from 'zod';

/** Every variable the gateway reads; defaults fit `npm start` (everything on loopback). */
export const configSchema = z.object({
  ...baseConfigShape,
  HTTP_HOST: z.string().default('0.0.0.0'),
  HTTP_PORT: envPort(3000),
  /** `dns:///host:port` (round-robin over every address the name resolves to) or `ip:port,ip:port`. */
  CATALOG_GRPC_TARGET: z.string().min(1).default('127.0.0.1:50051'),
  GRPC_DEADLINE_MS: envInt(5_000, 100, 120_000),
  /** Allowed CORS origins, comma-separated; `*` allows any. */
  CORS_ORIGINS: envList('*'),
  /** Trust X-Forwarded-* from a proxy in front (ingress) for client IPs and protocol. */
  TRUST_PROXY: envBool(false),
  BODY_LIMIT_BYTES: envInt(1_048_576, 1_024, 104_857_600),
  DOCS_ENABLED: envBool(true),
});

export type GatewayConfig = z.output<typeof configSchema>;
