import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  LOCAL_SERVICE_PORTS,
  OPS_PATHS,
  SUPERVISOR_TARGET_SCHEME,
  type DatabaseListenerName,
  type ListenerName,
  type LocalService,
} from '@kinema/contracts/supervision';
import { initialiseDataDirs } from '../postgres/pglite-data-dir';
import { HOST, type LaunchContext, type ProcessSpec } from './supervisor';
import { OTLP_DEFAULT_PORT, tracePlan, tracingEnv, type TracePlan } from './trace-destination';

/** The repository root, whether this runs from src (tests) or dist (npm start). */
export const REPO_ROOT = resolve(__dirname, '../../../..');

/** A port the user chose (or the default), so a clash can name the variable to change. */
export interface PortSetting {
  variable: string;
  purpose: string;
  port: number;
  /** Printed as http://localhost:<port>: IPv6 loopback must be free too (ports.ts). */
  localhost?: true;
}

export interface PlanInput {
  env: NodeJS.ProcessEnv;
  /** Replicas of each service to start with. */
  scale: Scale;
  dataDir: string;
  /** Bind every port to 0 (the OS picks, the process reports): tests beside a developer's system. */
  ephemeralPorts: boolean;
  demoTitles: number;
  logLevel: string;
}

export interface Plan {
  /**
   * Started in order, each stage's processes in parallel once the previous stage is ready: the
   * stand-ins, then the services (their first replicas, then the others), then the edge. A later
   * stage's environment names the ports the earlier ones reported (LaunchContext.address).
   */
  stages: ProcessSpec[][];
  /** The process of one replica slot of a service (slot 1 is the first). */
  replica(service: ScalableService, slot: number): ProcessSpec;
  /** Ports the user chose (or defaults): checked before anything starts. 0 is never listed. */
  ports: PortSetting[];
  /** Databases on an external server that must exist before services start. */
  externalDatabases: string[];
  /** Data directories of the embedded databases (the PGlite process), initialised before it starts. */
  embeddedDatabases: string[];
  /** The administrator the users service creates at boot, so catalog writes can be tried. */
  admin: { email: string; password: string };
  /** Set when KAFKA_BROKERS names a real Kafka (then no embedded broker runs). */
  externalKafka?: string;
  /** Set when S3_ENDPOINT names a real S3 (then no embedded server runs). */
  externalS3?: string;
  /** Where spans go: the embedded receiver (listener `otlp`), the user's endpoint, or nowhere. */
  traces: TracePlan;
  /**
   * The process each embedded stand-in runs in: `stand-ins` when more than one is embedded, else
   * `kafka`, `s3` or `otlp` alone; a stand-in replaced by a real server has none.
   */
  standInProcess: { kafka?: string; s3?: string; otlp?: string };
  /** The public gateway port (GATEWAY_PORT; 0: the OS picks), served by the launcher's front. */
  gatewayPort: number;
}

/**
 * The development administrator (NODE_ENV=development only; the chart never sets these). Override
 * with BOOTSTRAP_ADMIN_EMAIL / BOOTSTRAP_ADMIN_PASSWORD.
 */
export const DEV_ADMIN_EMAIL = 'admin@kinema.local';
export const DEV_ADMIN_PASSWORD = 'kinema-dev-admin';

/** Settings of the gateway and users service a developer (or a test) may pass through npm start. */
const GATEWAY_PASSTHROUGH =
  /^(REDIS_URL|TRUST_PROXY|SESSION_CHECK_CACHE_MS|RATE_LIMIT_[A-Z_]+|CATALOG_CACHE_[A-Z_]+|IDEMPOTENCY_REDIS_PREFIX|HTTP_MAX_CONNECTION_AGE_MS)$/;
const USERS_PASSTHROUGH =
  /^(ARGON2_MEMORY_KIB|ARGON2_TIME_COST|ACCESS_TOKEN_TTL_SECONDS|JWT_PRIVATE_KEY)$/;
const VIDEOS_PASSTHROUGH =
  /^(S3_REGION|S3_CREDENTIALS|S3_ACCESS_KEY_ID|S3_SECRET_ACCESS_KEY|S3_FORCE_PATH_STYLE|S3_PUBLIC_ENDPOINT|UPLOAD_MAX_BYTES)$/;
/**
 * How every Kafka client reaches the brokers (docs/external-infrastructure.md): passed to them
 * with an external Kafka or a secured embedded broker, never to a plaintext embedded one.
 */
const KAFKA_SECURITY_PASSTHROUGH =
  /^(KAFKA_SSL|KAFKA_SSL_CA_FILE|KAFKA_SSL_CERT_FILE|KAFKA_SSL_KEY_FILE|KAFKA_SASL_MECHANISM|KAFKA_SASL_USERNAME|KAFKA_SASL_PASSWORD|AWS_REGION)$/;
/** TLS to an external PostgreSQL (PGlite speaks none). */
const DATABASE_TLS_PASSTHROUGH = /^(DATABASE_SSL_MODE|DATABASE_SSL_CA_FILE)$/;
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

/** The absolute path of a built script of the repository; throws naming the build when missing. */
export function builtScript(script: string): string {
  const path = join(REPO_ROOT, script);
  if (!existsSync(path)) {
    throw new Error(
      `${script} is missing; build first with \`npx nx run-many -t build\` (npm start does this).`,
    );
  }
  return path;
}

/**
 * Node's arguments to run a built script of the repository; checked when the process starts.
 * With KINEMA_PROFILE_DIR set, every process writes a CPU profile there when it exits (Node does
 * not take --cpu-prof from NODE_OPTIONS). Stack traces name TypeScript lines only with source
 * maps, which cost memory in every process: they are on at LOG_LEVEL=debug or trace, or with
 * KINEMA_SOURCE_MAPS=1 (and off with KINEMA_SOURCE_MAPS=0).
 */
function nodeArgs(
  script: string,
  env: NodeJS.ProcessEnv = process.env,
  options: { logLevel?: string; v8?: readonly string[] } = {},
): string[] {
  const path = builtScript(script);
  const profileDir = env['KINEMA_PROFILE_DIR'];
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const logLevel = options.logLevel ?? env['LOG_LEVEL'];
  const sourceMaps = env['KINEMA_SOURCE_MAPS']
    ? env['KINEMA_SOURCE_MAPS'] === '1'
    : logLevel === 'debug' || logLevel === 'trace';
  return [...profile, ...(sourceMaps ? ['--enable-source-maps'] : []), ...(options.v8 ?? []), path];
}

/**
 * The V8 flags of the services, the gateway and the Node stand-ins (Kafka, S3, OTLP; not PGlite,
 * whose memory is WebAssembly's). V8 sizes its heap for throughput: semi-spaces that grew to
 * 40-60 MiB of new space in every idle service, and an old generation allowed to fill with garbage
 * to several times what is live before it is collected (the gateway went from 200 to 381 MiB over
 * three rounds of load with 60-85 MiB live). KINEMA_MAX_SEMI_SPACE_MB caps the first and
 * KINEMA_HEAP_GROWING_PERCENT bounds the second (the old generation grows to that much above what
 * the last full collection left live, not a hard limit); 0 leaves either to V8. docs/performance.md
 * (memory of the whole demo, memory of the service processes) gives what each costs and saves.
 */
export function v8Flags(env: NodeJS.ProcessEnv): string[] {
  const semiSpace = v8Setting(env, 'KINEMA_MAX_SEMI_SPACE_MB', DEFAULT_MAX_SEMI_SPACE_MB, 256);
  const growing = v8Setting(env, 'KINEMA_HEAP_GROWING_PERCENT', DEFAULT_HEAP_GROWING_PERCENT, 400);
  return [
    ...(semiSpace === 0 ? [] : [`--max-semi-space-size=${semiSpace}`]),
    ...(growing === 0 ? [] : [`--heap-growing-percent=${growing}`, ...MARKING_TRIGGERS]),
  ];
}

function v8Setting(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const raw = env[name] || String(fallback);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new Error(`${name} must be a whole number from 0 to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/**
 * The young-generation cap of every service process, here and in the image and the chart (the k8s
 * tests hold them to this): 8 MiB kept 12-51 MiB less per process at start for 0.91-1.04 of V8's
 * sizing in the gateway's throughput (within this machine's noise); 2 MiB cost about 9% (docs/performance.md,
 * memory of the service processes).
 */
const DEFAULT_MAX_SEMI_SPACE_MB = 8;

/**
 * How far the old generation may grow past what the last full collection left live, in percent,
 * here and in the image and the chart: with 50 the gateway held 220-235 MiB over three rounds of
 * mixed load where V8's own factor let it reach 381, for no throughput that a run could tell
 * apart (30 held it 5-10 MiB lower and cost 6-10% of a cached read's; docs/performance.md, memory
 * of the whole demo).
 */
const DEFAULT_HEAP_GROWING_PERCENT = 50;

/**
 * When a bounded old generation starts to be marked: a task at 80% of the way from what the last
 * full collection left to the limit, at once at 90%. V8's own rule starts marking once the room
 * left under the limit is about a young generation's worth, which a limit only 50% above a
 * 50 MiB live heap always is: the gateway then marked without pause under 1 MiB ranged reads
 * (seven full collections a second, each promoting what it found), which cost a third of its
 * playback throughput (docs/performance.md, playback). With these, two to three in five seconds.
 */
const MARKING_TRIGGERS = [
  '--incremental-marking-soft-trigger=80',
  '--incremental-marking-hard-trigger=90',
];

const PGLITE_CLI = 'libs/dev-infra/dist/postgres/cli.js';

/**
 * PGlite's WebAssembly compiled by TurboFan only: with V8's baseline compiler (Liftoff) first, a
 * PGlite process kept both tiers' code, about 40 MiB more once it had run queries, for about 1.4 s
 * less CPU at start (docs/performance.md, PGlite servers).
 */
const PGLITE_V8_FLAGS = ['--no-liftoff'];

/** Runs initdb once for the embedded databases whose directories are fresh (initialiseDataDirs). */
export function initialisePgliteDataDirs(dataDirs: readonly string[]): Promise<void> {
  return initialiseDataDirs(dataDirs, builtScript(PGLITE_CLI), (dataDir) => [
    '--init-only',
    '--data-dir',
    dataDir,
  ]);
}

/**
 * glibc's mmap threshold fixed for the PGlite servers. By default glibc raises the threshold to
 * the size of any mapped block freed (up to 32 MiB), after which blocks that large come from the
 * main heap, whose freed space it keeps. Measured when a demo was ready, each PGlite server's main
 * heap (`[heap]` in smaps) held 36-40 MiB and the three servers 171-199 MiB each; with the threshold
 * fixed at glibc's initial 128 KiB, 12-21 MiB and 158-180 MiB, and the same database CPU per
 * uncached read within the machine's noise (docs/performance.md, PGlite servers).
 */
const PGLITE_MALLOC = { MALLOC_MMAP_THRESHOLD_: '131072' };

/** The process of the embedded databases under `npm start` (pgliteSpec). */
export const PGLITE_PROCESS = 'pglite';

/** The listener of a service's embedded database in the PGlite process: `postgres-<service>`. */
export function databaseListener(service: string): DatabaseListenerName {
  return `postgres-${service}`;
}

/** One database of a PGlite process: its listener, port (0: the OS picks) and data directory. */
export interface PgliteDatabase {
  listener: ListenerName;
  port: number;
  dataDir: string;
  /** The role and database name it answers to (postgres and postgres by default). */
  names?: { user: string; database: string };
}

/**
 * A PGlite process serving `databases`, each a PGlite instance of its own on its own listener.
 * One process rather than one per database: each Node process costs 50-60 MiB of the node binary
 * and its runtime again, and the databases of one process share PGlite's compiled WebAssembly
 * (docs/performance.md, PGlite servers). They take turns on its one thread.
 */
export function pgliteSpec(name: string, databases: readonly PgliteDatabase[]): ProcessSpec {
  const url = (database: PgliteDatabase, port: number | undefined) => {
    const names = database.names ?? { user: 'postgres', database: 'postgres' };
    return `postgres://${names.user}@${HOST}:${port}/${names.database}`;
  };
  return {
    name,
    service: name,
    command: process.execPath,
    ports: Object.fromEntries(databases.map((database) => [database.listener, database.port])),
    launch: ({ ports: bind }) => ({
      args: [
        ...nodeArgs(PGLITE_CLI, process.env, { v8: PGLITE_V8_FLAGS }),
        '--host',
        HOST,
        ...databases.flatMap((database) => [
          '--listener',
          database.listener,
          '--port',
          String(bind[database.listener] ?? 0),
          '--data-dir',
          database.dataDir,
          '--user',
          database.names?.user ?? 'postgres',
          '--database',
          database.names?.database ?? 'postgres',
        ]),
      ],
      env: PGLITE_MALLOC,
    }),
    ready: { kind: 'listening' },
    // Every database opens in turn on the process's one thread.
    readyTimeoutMs: 60_000 * databases.length,
    // A line per database, named after its listener when there are several.
    summary: (l) =>
      databases
        .map((d) =>
          databases.length === 1
            ? url(d, l[d.listener])
            : `${d.listener.replace(/^postgres-/, '').padEnd(8)} ${url(d, l[d.listener])}`,
        )
        .join('\n'),
  };
}

/**
 * TLS and SASL of the embedded broker, so that the Kafka clients' secure path runs against it
 * (tests, trying managed-Kafka settings locally): KINEMA_KAFKA_TLS_CERT_FILE and
 * KINEMA_KAFKA_TLS_KEY_FILE (PEM) make it serve TLS only; KINEMA_KAFKA_SASL_USERS
 * (`name:password,...`) make it require SASL PLAIN or SCRAM. Undefined: plaintext, no SASL.
 */
export interface BrokerSecurity {
  certFile?: string;
  keyFile?: string;
  users?: string;
}

function embeddedBrokerSecurity(env: NodeJS.ProcessEnv): BrokerSecurity | undefined {
  const certFile = env['KINEMA_KAFKA_TLS_CERT_FILE'] || undefined;
  const keyFile = env['KINEMA_KAFKA_TLS_KEY_FILE'] || undefined;
  const users = env['KINEMA_KAFKA_SASL_USERS'] || undefined;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new Error('KINEMA_KAFKA_TLS_CERT_FILE and KINEMA_KAFKA_TLS_KEY_FILE go together');
  }
  if (certFile === undefined && users === undefined) return undefined;
  return { certFile, keyFile, users };
}

/** The Kafka-protocol broker, process and listener named `kafka`; `v8`: V8 flags (v8Flags). */
export function kafkaSpec(
  port: number,
  dataDir: string,
  security?: BrokerSecurity,
  v8: readonly string[] = [],
): ProcessSpec {
  return {
    name: 'kafka',
    service: 'kafka',
    command: process.execPath,
    ports: { kafka: port },
    launch: ({ ports: bind }) => ({
      args: [
        ...nodeArgs('libs/dev-infra/dist/kafka/cli.js', process.env, { v8 }),
        '--host',
        HOST,
        '--port',
        String(bind.kafka ?? 0),
        '--data-dir',
        dataDir,
        ...(security?.certFile && security.keyFile
          ? ['--tls-cert', security.certFile, '--tls-key', security.keyFile]
          : []),
        ...(security?.users ? ['--sasl-mechanisms', 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512'] : []),
      ],
      // In the environment rather than the arguments, where ps would show the passwords.
      env: Object.fromEntries(security?.users ? [['KAFKA_BROKER_SASL_USERS', security.users]] : []),
    }),
    ready: { kind: 'listening' },
    readyTimeoutMs: 30_000,
    summary: (l) =>
      `kafka ${HOST}:${l.kafka}${security?.certFile ? ' (TLS)' : ''}${security?.users ? ' (SASL)' : ''}`,
  };
}

/** The S3 server with `bucket` created, process and listener named `s3`; `v8`: V8 flags. */
export function s3Spec(
  port: number,
  dataDir: string,
  bucket: string,
  v8: readonly string[] = [],
): ProcessSpec {
  return {
    name: 's3',
    service: 's3',
    command: process.execPath,
    ports: { s3: port },
    launch: ({ ports: bind }) => ({
      args: [
        ...nodeArgs('libs/dev-infra/dist/s3/cli.js', process.env, { v8 }),
        '--host',
        HOST,
        '--port',
        String(bind.s3 ?? 0),
        '--data-dir',
        dataDir,
        '--bucket',
        bucket,
      ],
      env: {},
    }),
    ready: { kind: 'listening' },
    readyTimeoutMs: 30_000,
    summary: (l) => `s3 http://${HOST}:${l.s3} (bucket ${bucket})`,
  };
}

/** The OTLP/HTTP trace receiver, process and listener named `otlp`; `v8`: V8 flags. */
export function otlpSpec(port: number, v8: readonly string[] = []): ProcessSpec {
  return {
    name: 'otlp',
    service: 'otlp',
    command: process.execPath,
    ports: { otlp: port },
    launch: ({ ports: bind }) => ({
      args: [
        ...nodeArgs('libs/dev-infra/dist/otlp/cli.js', process.env, { v8 }),
        '--host',
        HOST,
        '--port',
        String(bind.otlp ?? 0),
      ],
      env: {},
    }),
    ready: { kind: 'listening' },
    readyTimeoutMs: 30_000,
    summary: (l) => `otlp http://${HOST}:${l.otlp} (traces: npm run kinema -- trace last)`,
  };
}

/** The process of the embedded stand-ins when more than one is (standInsSpec). */
export const STAND_INS_PROCESS = 'stand-ins';

export interface EmbeddedStandIns {
  kafka?: { port: number; dataDir: string; security?: BrokerSecurity };
  s3?: { port: number; dataDir: string; bucket: string };
  otlpPort?: number;
}

/**
 * The embedded Kafka-protocol broker, S3 server (with its bucket created) and OTLP/HTTP trace
 * receiver in one process, named `stand-ins`, each on its own listener (`kafka`, `s3`, `otlp`)
 * and with its own summary line: one Node process instead of three (each costs 50-60 MiB of the
 * node binary and its runtime). The broker's listener is switchable, so `kinema chaos
 * broker-down` stops Kafka alone. `v8`: V8 flags (v8Flags).
 */
export function standInsSpec(standIns: EmbeddedStandIns, v8: readonly string[] = []): ProcessSpec {
  const { kafka, s3, otlpPort } = standIns;
  const alone = [
    ...(kafka ? [kafkaSpec(kafka.port, kafka.dataDir, kafka.security)] : []),
    ...(s3 ? [s3Spec(s3.port, s3.dataDir, s3.bucket)] : []),
    ...(otlpPort === undefined ? [] : [otlpSpec(otlpPort)]),
  ];
  const security = kafka?.security;
  return {
    name: STAND_INS_PROCESS,
    service: STAND_INS_PROCESS,
    command: process.execPath,
    ports: {
      ...(kafka ? { kafka: kafka.port } : {}),
      ...(s3 ? { s3: s3.port } : {}),
      ...(otlpPort === undefined ? {} : { otlp: otlpPort }),
    },
    launch: ({ ports: bind }) => ({
      args: [
        ...nodeArgs('libs/dev-infra/dist/stand-ins/cli.js', process.env, { v8 }),
        '--host',
        HOST,
        ...(kafka
          ? ['--kafka-port', String(bind.kafka ?? 0), '--kafka-data-dir', kafka.dataDir]
          : []),
        ...(security?.certFile && security.keyFile
          ? ['--kafka-tls-cert', security.certFile, '--kafka-tls-key', security.keyFile]
          : []),
        ...(security?.users
          ? ['--kafka-sasl-mechanisms', 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512']
          : []),
        ...(s3
          ? ['--s3-port', String(bind.s3 ?? 0), '--s3-data-dir', s3.dataDir, '--bucket', s3.bucket]
          : []),
        ...(otlpPort === undefined ? [] : ['--otlp-port', String(bind.otlp ?? 0)]),
      ],
      // In the environment rather than the arguments, where ps would show the passwords.
      env: Object.fromEntries(security?.users ? [['KAFKA_BROKER_SASL_USERS', security.users]] : []),
    }),
    ready: { kind: 'listening' },
    readyTimeoutMs: 30_000,
    summary: (l) => alone.map((spec) => spec.summary(l)).join('\n'),
    ...(kafka ? { switchable: ['kafka'] as const } : {}),
  };
}

/**
 * A job run with a service's environment before its first replica first starts (never before a
 * restart), and the settings of the service it takes over. The catalog's migrations, demo titles
 * and the titles' events: seeded inside the serving process, they left the catalog holding the heap
 * and buffers seeding took (166-177 MiB when ready on a first start against 141-150 after a
 * restart), and the events relayed by the catalog right after it started another 12 MiB
 * (docs/performance.md).
 */
const FIRST_START_JOBS: Partial<
  Record<LocalService, { script: string; takesOver: Record<string, string> }>
> = {
  catalog: {
    script: 'apps/catalog/dist/demo/demo-seed.main.js',
    // The catalog still checks its migrations at boot (a no-op after the job), so a restart
    // applies any a rebuild added.
    takesOver: { DEMO_SEED_TITLES: '0' },
  },
};

/** Per-service database on the server named by DATABASE_URL: `<prefix>_<service>`, prefix `kinema`. */
export function externalDatabaseUrl(serverUrl: string, prefix: string, service: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${prefix}_${service}`;
  return url.toString();
}

/** A port setting: the variable's value, else the default; 0 (or ephemeral mode) lets the OS pick. */
function portSetting(
  input: PlanInput,
  variable: string,
  purpose: string,
  fallback: number,
): PortSetting {
  const raw = input.env[variable];
  const port = raw ? Number(raw) : fallback;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(
      `${variable} must be a port number from 0 to 65535, got ${JSON.stringify(raw)}`,
    );
  }
  return { variable, purpose, port: input.ephemeralPorts ? 0 : port };
}

const SERVICES = (Object.keys(LOCAL_SERVICE_PORTS) as LocalService[]).map((name) => ({
  name,
  ...LOCAL_SERVICE_PORTS[name],
}));

/** The services that own a database (embedded: listener `postgres-<service>` of process `pglite`). */
export const SERVICES_WITH_DATABASE: readonly string[] = SERVICES.map((service) => service.name);

/** What `--scale` and `kinema scale` may change: every service and the gateway. */
export const SCALABLE_SERVICES = ['catalog', 'users', 'videos', 'gateway'] as const;
export type ScalableService = (typeof SCALABLE_SERVICES)[number];
export type Scale = Record<ScalableService, number>;
export const MAX_REPLICAS = 16;

/** The first replica carries the service's name; the others `<service>-<slot>`. */
export function replicaName(service: string, slot: number): string {
  return slot === 1 ? service : `${service}-${slot}`;
}

/**
 * Parses `catalog=3,users=2` (what `--scale`, KINEMA_SCALE and `kinema scale` take); services not
 * named keep `base`. Throws naming what is wrong.
 */
export function parseScale(text: string, base: Scale, min = 1): Scale {
  const scale = { ...base };
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([a-z]+)=(\d+)$/.exec(part);
    const service = match?.[1] as ScalableService | undefined;
    if (!match || !service || !SCALABLE_SERVICES.includes(service)) {
      throw new Error(
        `"${part}" is not <service>=<count>, with a service among ${SCALABLE_SERVICES.join(', ')}`,
      );
    }
    const count = Number(match[2]);
    if (count < min || count > MAX_REPLICAS) {
      throw new Error(`${service}: the count must be from ${min} to ${MAX_REPLICAS}, got ${count}`);
    }
    scale[service] = count;
  }
  return scale;
}

export const ONE_EACH: Scale = { catalog: 1, users: 1, videos: 1, gateway: 1 };

/** Everything `npm start` runs, with each stand-in replaced by a real server when configured. */
export function buildPlan(input: PlanInput): Plan {
  const { env } = input;
  const ports: PortSetting[] = [];
  const take = (variable: string, purpose: string, fallback: number, localhost = false): number => {
    const setting = portSetting(input, variable, purpose, fallback);
    if (setting.port !== 0) ports.push(localhost ? { ...setting, localhost } : setting);
    return setting.port;
  };
  // FAULT_INJECTION lets `kinema chaos` simulate a slow database or network in the processes it
  // starts (over their IPC channel); the chart never sets it, and production refuses it.
  const common = { NODE_ENV: 'development', LOG_LEVEL: input.logLevel, FAULT_INJECTION: 'true' };
  const serviceV8Flags = v8Flags(env);
  const standIns: ProcessSpec[] = [];
  const externalDatabases: string[] = [];
  const embeddedDatabases: string[] = [];

  /** Where each service's database is: its own listener of the PGlite process, or the external server. */
  const databases = new Map<
    LocalService,
    (context: LaunchContext) => { url: string; pool: string }
  >();
  const pgliteDatabases: PgliteDatabase[] = [];
  for (const service of SERVICES) {
    if (env['DATABASE_URL']) {
      const url = externalDatabaseUrl(
        env['DATABASE_URL'],
        env['DATABASE_NAME_PREFIX'] ?? 'kinema',
        service.name,
      );
      externalDatabases.push(url);
      databases.set(service.name, () => ({ url, pool: '10' }));
      continue;
    }
    const listener = databaseListener(service.name);
    const port = take(
      `${service.name.toUpperCase()}_PGLITE_PORT`,
      `PGlite for ${service.name}`,
      service.pglite,
    );
    const dataDir = join(input.dataDir, 'pglite', service.name);
    embeddedDatabases.push(dataDir);
    pgliteDatabases.push({ listener, port, dataDir });
    // PGlite runs one statement at a time: a process gains nothing from a second connection.
    databases.set(service.name, (context) => ({
      url: `postgres://postgres@${context.address(PGLITE_PROCESS, listener)}/postgres`,
      pool: '1',
    }));
  }
  if (pgliteDatabases.length > 0) standIns.push(pgliteSpec(PGLITE_PROCESS, pgliteDatabases));

  const externalKafka = env['KAFKA_BROKERS'] || undefined;
  const brokerSecurity = embeddedBrokerSecurity(env);
  const externalS3 = env['S3_ENDPOINT'] || undefined;
  const traces = tracePlan(env);
  const embedded: EmbeddedStandIns = {
    ...(externalKafka
      ? {}
      : {
          kafka: {
            port: take('KAFKA_PORT', 'Kafka-protocol broker', 19092),
            dataDir: join(input.dataDir, 'kafka'),
            security: brokerSecurity,
          },
        }),
    ...(externalS3
      ? {}
      : {
          s3: {
            port: take('S3_PORT', 'S3 server', 19000),
            dataDir: join(input.dataDir, 's3'),
            bucket: S3_BUCKET,
          },
        }),
    ...(traces.kind === 'embedded'
      ? { otlpPort: take('OTLP_PORT', 'OTLP trace receiver', OTLP_DEFAULT_PORT) }
      : {}),
  };
  const standInProcess: Plan['standInProcess'] = {};
  const { kafka: broker, s3, otlpPort } = embedded;
  if ([broker, s3, otlpPort].filter((standIn) => standIn !== undefined).length > 1) {
    standIns.push(standInsSpec(embedded, serviceV8Flags));
    if (broker) standInProcess.kafka = STAND_INS_PROCESS;
    if (s3) standInProcess.s3 = STAND_INS_PROCESS;
    if (otlpPort !== undefined) standInProcess.otlp = STAND_INS_PROCESS;
  } else if (broker) {
    standIns.push(kafkaSpec(broker.port, broker.dataDir, broker.security, serviceV8Flags));
    standInProcess.kafka = 'kafka';
  } else if (s3) {
    standIns.push(s3Spec(s3.port, s3.dataDir, s3.bucket, serviceV8Flags));
    standInProcess.s3 = 's3';
  } else if (otlpPort !== undefined) {
    standIns.push(otlpSpec(otlpPort, serviceV8Flags));
    standInProcess.otlp = 'otlp';
  }
  const kafkaBrokers = (context: LaunchContext) =>
    externalKafka ?? context.address(standInProcess.kafka ?? 'kafka', 'kafka');
  /** KAFKA_BROKERS and how to reach them securely, for every process with a Kafka client. */
  const kafka = (context: LaunchContext): Record<string, string> => ({
    KAFKA_BROKERS: kafkaBrokers(context),
    ...(externalKafka || brokerSecurity ? passthrough(env, KAFKA_SECURITY_PASSTHROUGH) : {}),
  });
  const databaseTls = env['DATABASE_URL'] ? passthrough(env, DATABASE_TLS_PASSTHROUGH) : {};
  const s3Endpoint = (context: LaunchContext) =>
    externalS3 ?? `http://${context.address(standInProcess.s3 ?? 's3', 's3')}`;
  const telemetry = (service: string, context: LaunchContext) =>
    tracingEnv(service, traces, env, () => context.address(standInProcess.otlp ?? 'otlp', 'otlp'));

  const admin = {
    email: env['BOOTSTRAP_ADMIN_EMAIL'] || DEV_ADMIN_EMAIL,
    password: env['BOOTSTRAP_ADMIN_PASSWORD'] || DEV_ADMIN_PASSWORD,
  };
  /** Settings only one service has, beyond ports, database and Kafka. */
  const own: Record<LocalService, (context: LaunchContext) => Record<string, string>> = {
    catalog: () => ({
      DEMO_SEED_TITLES: String(input.demoTitles),
      // A crashed catalog's partitions move to its restarted self after this, not after 30 s.
      KAFKA_CONSUMER_SESSION_TIMEOUT_MS: '10000',
    }),
    users: () => ({
      ...passthrough(env, USERS_PASSTHROUGH),
      // NODE_ENV=development lets the users service sign with its built-in development key.
      BOOTSTRAP_ADMIN_EMAIL: admin.email,
      BOOTSTRAP_ADMIN_PASSWORD: admin.password,
    }),
    videos: (context) => ({
      S3_ENDPOINT: s3Endpoint(context),
      S3_BUCKET,
      // On one machine players reach the store where the service does, so the gateway's
      // PLAYBACK_MODE=redirect works out of the box (a passed-through value wins).
      S3_PUBLIC_ENDPOINT: s3Endpoint(context),
      // glibc gives each of libvips' threads a malloc arena of its own: resizing 40 titles'
      // artwork took 119 MiB with two arenas, 196 without (docs/performance.md). The process that
      // resizes artwork (ArtworkImageProcess) inherits it, and gives all of it back when it exits.
      MALLOC_ARENA_MAX: '2',
      ...passthrough(env, VIDEOS_PASSTHROUGH),
    }),
  };
  const firstPorts = Object.fromEntries(
    SERVICES.map((service) => {
      const upper = service.name.toUpperCase();
      return [
        service.name,
        {
          grpc: take(`${upper}_GRPC_PORT`, `${service.name} gRPC`, service.grpc),
          ops: take(`${upper}_OPS_PORT`, `${service.name} ops HTTP`, service.ops),
        },
      ];
    }),
  ) as Record<LocalService, { grpc: number; ops: number }>;
  const serviceSpec = (service: (typeof SERVICES)[number], slot: number): ProcessSpec => {
    const database = databases.get(service.name);
    if (!database) throw new Error(`no database planned for ${service.name}`);
    const name = replicaName(service.name, slot);
    const first = slot === 1;
    const job = FIRST_START_JOBS[service.name];
    // The service and its first-start job run node alike.
    const serviceArgs = (script: string) =>
      nodeArgs(script, env, { logLevel: input.logLevel, v8: serviceV8Flags });
    const serviceEnv = (context: LaunchContext): Record<string, string> => {
      const db = database(context);
      return {
        ...common,
        ...telemetry(service.name, context),
        POD_NAME: name,
        GRPC_HOST: HOST,
        GRPC_PORT: String(context.ports.grpc ?? 0),
        OPS_HOST: HOST,
        OPS_PORT: String(context.ports.ops ?? 0),
        DATABASE_URL: db.url,
        DATABASE_POOL_MAX: db.pool,
        ...databaseTls,
        ...kafka(context),
        ...own[service.name](context),
      };
    };
    return {
      name,
      service: service.name,
      command: process.execPath,
      // The first replica keeps the documented ports (grpcurl, psql, ...); others take any.
      ports: first ? firstPorts[service.name] : { grpc: 0, ops: 0 },
      // Peers find a replica through the address book, which learns its ports at every start.
      portsMayMove: true,
      launch: (context) => ({
        args: serviceArgs(`apps/${service.name}/dist/main.js`),
        env: {
          ...serviceEnv(context),
          // The first replica migrates and seeds (what its first-start job did not take over);
          // the others start once it is ready.
          ...(first
            ? (job?.takesOver ?? {})
            : { DATABASE_MIGRATIONS_RUN: 'false', DEMO_SEED_TITLES: '0' }),
        },
      }),
      ...(first && job
        ? {
            firstStartJob: (context: LaunchContext) => ({
              args: serviceArgs(job.script),
              env: serviceEnv(context),
            }),
          }
        : {}),
      ready: { kind: 'http', listener: 'ops', path: OPS_PATHS.readiness },
      readyTimeoutMs: 120_000,
      summary: (l) =>
        `grpc ${HOST}:${l.grpc}  ops http://${HOST}:${l.ops}${OPS_PATHS.readiness}` +
        (service.name === 'users' && first ? `  admin ${admin.email}` : ''),
    };
  };

  const gatewayPort = take('GATEWAY_PORT', 'gateway HTTP', 3000, true);
  const gatewayOpsPort = take('GATEWAY_OPS_PORT', 'gateway ops HTTP (/metrics)', 9400);
  const gatewaySpec = (slot: number): ProcessSpec => {
    const name = replicaName('gateway', slot);
    return {
      name,
      service: 'gateway',
      command: process.execPath,
      // Each replica has a port of its own (the launcher's front hands it the public port's
      // connections, see GatewayFront) and an ops port (metrics); the first one's is chosen.
      ports: { http: 0, ops: slot === 1 ? gatewayOpsPort : 0 },
      // Clients reach a replica through the front, which learns its port at every start.
      portsMayMove: true,
      launch: (context) => ({
        args: nodeArgs('apps/gateway/dist/main.js', env, {
          logLevel: input.logLevel,
          v8: serviceV8Flags,
        }),
        env: {
          ...common,
          ...telemetry('gateway', context),
          ...passthrough(env, GATEWAY_PASSTHROUGH),
          POD_NAME: name,
          HTTP_HOST: HOST,
          HTTP_PORT: String(context.ports.http ?? 0),
          OPS_HOST: HOST,
          OPS_PORT: String(context.ports.ops ?? 0),
          // Clients here talk to the gateway directly (no proxy keeping connections): short
          // keep-alive lets a stopping replica see its idle connections go within seconds.
          HTTP_KEEP_ALIVE_TIMEOUT_MS: '5000',
          // The web app `npm start` builds, served at `/` whatever directory the launcher ran from.
          WEB_DIST_DIR: join(REPO_ROOT, 'apps/web/dist'),
          CATALOG_GRPC_TARGET: `${SUPERVISOR_TARGET_SCHEME}:///catalog`,
          USERS_GRPC_TARGET: `${SUPERVISOR_TARGET_SCHEME}:///users`,
          VIDEOS_GRPC_TARGET: `${SUPERVISOR_TARGET_SCHEME}:///videos`,
          ...kafka(context),
          // Where PLAYBACK_MODE=redirect sends players: videos' S3_PUBLIC_ENDPOINT (above).
          PLAYBACK_MEDIA_ORIGIN: env['S3_PUBLIC_ENDPOINT'] ?? s3Endpoint(context),
          ...passthrough(env, GATEWAY_VIDEO_PASSTHROUGH),
        },
      }),
      ready: { kind: 'http', listener: 'http', path: OPS_PATHS.readiness },
      readyTimeoutMs: 60_000,
      summary: (l) =>
        `own port http://localhost:${l.http}${OPS_PATHS.readiness}  ops ${HOST}:${l.ops}`,
    };
  };

  const replica = (service: ScalableService, slot: number): ProcessSpec => {
    if (service === 'gateway') return gatewaySpec(slot);
    const definition = SERVICES.find((candidate) => candidate.name === service);
    if (!definition) throw new Error(`${String(service)} is not a service`);
    return serviceSpec(definition, slot);
  };
  // Slot 1 of every service first (it migrates and seeds), then their other replicas; the same
  // for the gateways.
  const slots = (service: ScalableService, from: number, to: number) =>
    Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => replica(service, from + i));
  const services = SERVICES.map((service) => service.name);
  const stages = [
    standIns,
    services.flatMap((service) => slots(service, 1, 1)),
    services.flatMap((service) => slots(service, 2, input.scale[service])),
    slots('gateway', 1, 1),
    slots('gateway', 2, input.scale.gateway),
  ];

  return {
    stages: stages.filter((stage) => stage.length > 0),
    replica,
    ports,
    externalDatabases,
    embeddedDatabases,
    admin,
    traces,
    standInProcess,
    gatewayPort,
    ...(externalKafka ? { externalKafka } : {}),
    ...(externalS3 ? { externalS3 } : {}),
  };
}
