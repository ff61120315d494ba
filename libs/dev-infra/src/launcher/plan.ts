import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ProcessSpec } from './supervisor';

/** The repository root, whether this runs from src (tests) or dist (npm start). */
export const REPO_ROOT = resolve(__dirname, '../../../..');

/** Where a configurable port comes from, so a clash can name the variable to change. */
export interface PortSetting {
  variable: string;
  purpose: string;
  port: number;
}

export interface PlanInput {
  env: NodeJS.ProcessEnv;
  dataDir: string;
  /** Resolves a port setting: the variable's value, or the default, or a free port when 0. */
  port: (variable: string, purpose: string, fallback: number) => Promise<PortSetting>;
  demoTitles: number;
  logLevel: string;
}

export interface Plan {
  /** Started first, in parallel: the embedded stand-ins. */
  infrastructure: ProcessSpec[];
  /** Started next, in parallel, once the stand-ins are ready. */
  services: ProcessSpec[];
  /** Started last: the edge. */
  edge: ProcessSpec[];
  ports: PortSetting[];
  /** Kafka bootstrap servers the services use (the embedded broker unless KAFKA_BROKERS is set). */
  kafkaBrokers: string;
  /** S3 endpoint the services use (the embedded server unless S3_ENDPOINT is set). */
  s3Endpoint: string;
  /** Databases on an external server that must exist before services start. */
  externalDatabases: string[];
  gatewayUrl: string;
  /** The administrator the users service creates at boot, so catalog writes can be tried. */
  admin: { email: string; password: string };
}

const HOST = '127.0.0.1';
/**
 * The development administrator (NODE_ENV=development only; the chart never sets these). Override
 * with BOOTSTRAP_ADMIN_EMAIL / BOOTSTRAP_ADMIN_PASSWORD.
 */
export const DEV_ADMIN_EMAIL = 'admin@kinema.local';
export const DEV_ADMIN_PASSWORD = 'kinema-dev-admin';

/** Settings of the gateway and users service a developer (or a test) may pass through npm start. */
const GATEWAY_PASSTHROUGH = /^(REDIS_URL|TRUST_PROXY|SESSION_CHECK_CACHE_MS|RATE_LIMIT_[A-Z_]+)$/;
const USERS_PASSTHROUGH =
  /^(ARGON2_MEMORY_KIB|ARGON2_TIME_COST|ACCESS_TOKEN_TTL_SECONDS|JWT_PRIVATE_KEY)$/;
const VIDEOS_PASSTHROUGH =
  /^(S3_REGION|S3_ACCESS_KEY_ID|S3_SECRET_ACCESS_KEY|S3_FORCE_PATH_STYLE|S3_PUBLIC_ENDPOINT|UPLOAD_MAX_BYTES)$/;
const GATEWAY_VIDEO_PASSTHROUGH =
  /^(PLAYBACK_[A-Z_]+|VIDEO_UPLOAD_MAX_BYTES|VIDEO_TRANSFER_DEADLINE_MS)$/;

function passthrough(env: NodeJS.ProcessEnv, pattern: RegExp): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => pattern.test(entry[0]) && Boolean(entry[1]),
    ),
  );
}

/** The bucket video bytes live in, created by the embedded S3 server on start. */
export const S3_BUCKET = 'kinema-videos';

function nodeProcess(script: string): { command: string; args: string[] } {
  const path = join(REPO_ROOT, script);
  if (!existsSync(path)) {
    throw new Error(
      `${script} is missing; build first with \`npx nx run-many -t build\` (npm start does this).`,
    );
  }
  return { command: process.execPath, args: ['--enable-source-maps', path] };
}

/** Per-service database on the server named by DATABASE_URL: `<prefix>_<service>`, prefix `kinema`. */
function externalDatabaseUrl(serverUrl: string, prefix: string, service: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${prefix}_${service}`;
  return url.toString();
}

/** Everything `npm start` runs, with each stand-in replaced by a real server when configured. */
export async function buildPlan(input: PlanInput): Promise<Plan> {
  const { env } = input;
  const ports: PortSetting[] = [];
  const take = async (variable: string, purpose: string, fallback: number) => {
    const setting = await input.port(variable, purpose, fallback);
    ports.push(setting);
    return setting.port;
  };
  const infrastructure: ProcessSpec[] = [];
  const externalDatabases: string[] = [];
  const common = { NODE_ENV: 'development', LOG_LEVEL: input.logLevel };

  const database = async (service: string, pglitePortVariable: string, fallbackPort: number) => {
    if (env['DATABASE_URL']) {
      const url = externalDatabaseUrl(
        env['DATABASE_URL'],
        env['DATABASE_NAME_PREFIX'] ?? 'kinema',
        service,
      );
      externalDatabases.push(url);
      return { url, poolMax: '10' };
    }
    const port = await take(pglitePortVariable, `PGlite for ${service}`, fallbackPort);
    const pglite = nodeProcess('libs/dev-infra/dist/postgres/cli.js');
    infrastructure.push({
      name: `pglite-${service}`,
      command: pglite.command,
      args: [
        ...pglite.args,
        '--host',
        HOST,
        '--port',
        String(port),
        '--data-dir',
        join(input.dataDir, 'pglite', service),
      ],
      env: {},
      ready: { kind: 'output', pattern: /^pglite listening on / },
      readyTimeoutMs: 60_000,
      summary: `postgres://postgres@${HOST}:${port}/postgres`,
    });
    // PGlite is a single session: one pooled connection keeps transactions from interleaving.
    return { url: `postgres://postgres@${HOST}:${port}/postgres`, poolMax: '1' };
  };

  let kafkaBrokers = env['KAFKA_BROKERS'] ?? '';
  if (!kafkaBrokers) {
    const port = await take('KAFKA_PORT', 'Kafka-protocol broker', 19092);
    const broker = nodeProcess('libs/dev-infra/dist/kafka/cli.js');
    kafkaBrokers = `${HOST}:${port}`;
    infrastructure.push({
      name: 'kafka',
      command: broker.command,
      args: [
        ...broker.args,
        '--host',
        HOST,
        '--port',
        String(port),
        '--data-dir',
        join(input.dataDir, 'kafka'),
      ],
      env: {},
      ready: { kind: 'output', pattern: /^kafka broker listening on / },
      readyTimeoutMs: 30_000,
      summary: `kafka ${kafkaBrokers}`,
    });
  }

  let s3Endpoint = env['S3_ENDPOINT'] ?? '';
  if (!s3Endpoint) {
    const port = await take('S3_PORT', 'S3 server', 19000);
    const server = nodeProcess('libs/dev-infra/dist/s3/cli.js');
    s3Endpoint = `http://${HOST}:${port}`;
    infrastructure.push({
      name: 's3',
      command: server.command,
      args: [
        ...server.args,
        '--host',
        HOST,
        '--port',
        String(port),
        '--data-dir',
        join(input.dataDir, 's3'),
        '--bucket',
        S3_BUCKET,
      ],
      env: {},
      ready: { kind: 'output', pattern: /^s3 server listening on / },
      readyTimeoutMs: 30_000,
      summary: `s3 ${s3Endpoint} (bucket ${S3_BUCKET})`,
    });
  }

  const catalogDb = await database('catalog', 'CATALOG_PGLITE_PORT', 54331);
  const catalogGrpc = await take('CATALOG_GRPC_PORT', 'catalog gRPC', 50051);
  const catalogOps = await take('CATALOG_OPS_PORT', 'catalog ops HTTP', 9401);
  const services: ProcessSpec[] = [
    {
      name: 'catalog',
      ...nodeProcess('apps/catalog/dist/main.js'),
      env: {
        ...common,
        GRPC_HOST: HOST,
        GRPC_PORT: String(catalogGrpc),
        OPS_HOST: HOST,
        OPS_PORT: String(catalogOps),
        DATABASE_URL: catalogDb.url,
        DATABASE_POOL_MAX: catalogDb.poolMax,
        DEMO_SEED_TITLES: String(input.demoTitles),
        // A crashed catalog's partitions move to its restarted self after this, not after 30 s.
        KAFKA_CONSUMER_SESSION_TIMEOUT_MS: '10000',
        KAFKA_BROKERS: kafkaBrokers,
      },
      ready: { kind: 'http', url: `http://${HOST}:${catalogOps}/readyz` },
      readyTimeoutMs: 120_000,
      summary: `grpc ${HOST}:${catalogGrpc}  ops http://${HOST}:${catalogOps}/readyz`,
    },
  ];

  const usersDb = await database('users', 'USERS_PGLITE_PORT', 54332);
  const usersGrpc = await take('USERS_GRPC_PORT', 'users gRPC', 50052);
  const usersOps = await take('USERS_OPS_PORT', 'users ops HTTP', 9402);
  const admin = {
    email: env['BOOTSTRAP_ADMIN_EMAIL'] || DEV_ADMIN_EMAIL,
    password: env['BOOTSTRAP_ADMIN_PASSWORD'] || DEV_ADMIN_PASSWORD,
  };
  services.push({
    name: 'users',
    ...nodeProcess('apps/users/dist/main.js'),
    env: {
      ...common,
      ...passthrough(env, USERS_PASSTHROUGH),
      GRPC_HOST: HOST,
      GRPC_PORT: String(usersGrpc),
      OPS_HOST: HOST,
      OPS_PORT: String(usersOps),
      DATABASE_URL: usersDb.url,
      DATABASE_POOL_MAX: usersDb.poolMax,
      KAFKA_BROKERS: kafkaBrokers,
      // NODE_ENV=development lets the users service sign with its built-in development key.
      BOOTSTRAP_ADMIN_EMAIL: admin.email,
      BOOTSTRAP_ADMIN_PASSWORD: admin.password,
    },
    ready: { kind: 'http', url: `http://${HOST}:${usersOps}/readyz` },
    readyTimeoutMs: 120_000,
    summary: `grpc ${HOST}:${usersGrpc}  ops http://${HOST}:${usersOps}/readyz  admin ${admin.email}`,
  });

  const videosDb = await database('videos', 'VIDEOS_PGLITE_PORT', 54333);
  const videosGrpc = await take('VIDEOS_GRPC_PORT', 'videos gRPC', 50053);
  const videosOps = await take('VIDEOS_OPS_PORT', 'videos ops HTTP', 9403);
  services.push({
    name: 'videos',
    ...nodeProcess('apps/videos/dist/main.js'),
    env: {
      ...common,
      GRPC_HOST: HOST,
      GRPC_PORT: String(videosGrpc),
      OPS_HOST: HOST,
      OPS_PORT: String(videosOps),
      DATABASE_URL: videosDb.url,
      DATABASE_POOL_MAX: videosDb.poolMax,
      KAFKA_BROKERS: kafkaBrokers,
      S3_ENDPOINT: s3Endpoint,
      S3_BUCKET,
      // On one machine players reach the store where the service does, so the gateway's
      // PLAYBACK_MODE=redirect works out of the box (a passed-through value wins).
      S3_PUBLIC_ENDPOINT: s3Endpoint,
      ...passthrough(env, VIDEOS_PASSTHROUGH),
    },
    ready: { kind: 'http', url: `http://${HOST}:${videosOps}/readyz` },
    readyTimeoutMs: 120_000,
    summary: `grpc ${HOST}:${videosGrpc}  ops http://${HOST}:${videosOps}/readyz`,
  });

  const gatewayPort = await take('GATEWAY_PORT', 'gateway HTTP', 3000);
  const gatewayUrl = `http://localhost:${gatewayPort}`;
  const edge: ProcessSpec[] = [
    {
      name: 'gateway',
      ...nodeProcess('apps/gateway/dist/main.js'),
      env: {
        ...common,
        ...passthrough(env, GATEWAY_PASSTHROUGH),
        HTTP_HOST: HOST,
        HTTP_PORT: String(gatewayPort),
        CATALOG_GRPC_TARGET: `${HOST}:${catalogGrpc}`,
        KAFKA_BROKERS: kafkaBrokers,
        USERS_GRPC_TARGET: `${HOST}:${usersGrpc}`,
        VIDEOS_GRPC_TARGET: `${HOST}:${videosGrpc}`,
        ...passthrough(env, GATEWAY_VIDEO_PASSTHROUGH),
      },
      ready: { kind: 'http', url: `http://${HOST}:${gatewayPort}/readyz` },
      readyTimeoutMs: 60_000,
      summary: `${gatewayUrl}/api/v1/titles  docs ${gatewayUrl}/docs`,
    },
  ];

  return {
    infrastructure,
    services,
    edge,
    ports,
    kafkaBrokers,
    s3Endpoint,
    externalDatabases,
    gatewayUrl,
    admin,
  };
}
