import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ONE_EACH, parseScale, REPO_ROOT, type Scale } from './plan';

/** What `npm start -- --help` prints. */
export const START_USAGE = `Usage: npm start [-- --reset] [-- --data-dir DIR] [-- --json] [-- --scale catalog=3,...]

Starts Kinema on this machine: the stand-ins (PGlite, a Kafka-protocol broker, an S3 server, an
OTLP trace receiver), then the services, then the gateway, each a process of its own.
  --reset          delete the data directory first (fresh demo catalog)
  --data-dir DIR   where the stand-ins keep their data (default: .data)
  --json           print every process's log lines as JSON (one object per line), unformatted
  --scale LIST     replicas per service, e.g. catalog=3,users=2,videos=2,gateway=2 (or KINEMA_SCALE)
While it runs, \`npm run kinema -- status | scale catalog=4 | restart catalog | trace last\` talks
to it, \`npm run kinema -- load\` simulates viewers, and \`npm run kinema -- chaos list\` names faults
to switch on for a while; a crashed process is restarted with backoff.
Logs: a terminal shows warnings and errors, formatted; LOG_LEVEL=info (or debug) shows more, and
sets the level the processes log at (default info).
Environment: GATEWAY_PORT, GATEWAY_OPS_PORT (its /metrics), CATALOG_GRPC_PORT, CATALOG_OPS_PORT,
CATALOG_PGLITE_PORT, USERS_GRPC_PORT, USERS_OPS_PORT, USERS_PGLITE_PORT, VIDEOS_GRPC_PORT,
VIDEOS_OPS_PORT, VIDEOS_PGLITE_PORT, KAFKA_PORT, S3_PORT and OTLP_PORT (the trace receiver, default
14318) choose ports (0: any free port). BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD name the
development admin (default admin@kinema.local / kinema-dev-admin); REDIS_URL, TRUST_PROXY,
SESSION_CHECK_CACHE_MS, RATE_LIMIT_* and CATALOG_CACHE_* reach the gateway as they are. Real servers
replace the stand-ins: DATABASE_URL (a PostgreSQL server; one database per service, named
kinema_<service>), KAFKA_BROKERS (host:port,...), S3_ENDPOINT (URL); KAFKA_SSL*, KAFKA_SASL_*,
DATABASE_SSL_MODE/_CA_FILE and S3_CREDENTIALS reach them securely, and
KINEMA_KAFKA_TLS_*/KINEMA_KAFKA_SASL_USERS secure the embedded broker
(docs/external-infrastructure.md); DEMO_TITLES sets the size of the demo catalog (default 500);
DEMO_VIDEOS=0 skips uploading the sample clips; PLAYBACK_MODE=redirect serves playback as redirects
to the S3 server; KINEMA_PROFILE_DIR=DIR makes every process write a CPU profile (.cpuprofile) into
DIR when it stops.
Traces: every request is traced and kept by the embedded receiver (\`npm run kinema -- trace last\`).
OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) sends them to your own collector
instead (no receiver runs); OTEL_SDK_DISABLED=true turns tracing off; the other OTEL_* variables
(OTEL_TRACES_SAMPLER, OTEL_EXPORTER_OTLP_PROTOCOL, ...) reach every process as they are.`;

/** What `npm start` was asked for. */
export interface StartOptions {
  help: boolean;
  reset: boolean;
  dataDir: string;
  json: boolean;
  scale: Scale;
}

/** Arguments `npm start` does not take: the message says which, and where the options are. */
export class StartUsageError extends Error {
  constructor(detail: string) {
    super(`${detail} (npm start -- --help lists the options)`);
    this.name = 'StartUsageError';
  }
}

/** Reads `npm start`'s arguments (and KINEMA_SCALE); throws StartUsageError naming what is wrong. */
export function readStartOptions(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): StartOptions {
  try {
    const { values } = parseArgs({
      args: [...args],
      options: {
        reset: { type: 'boolean', default: false },
        'data-dir': { type: 'string', default: join(REPO_ROOT, '.data') },
        json: { type: 'boolean', default: false },
        scale: { type: 'string', default: env['KINEMA_SCALE'] ?? '' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    return {
      help: values.help,
      reset: values.reset,
      dataDir: values['data-dir'],
      json: values.json,
      scale: values.help ? ONE_EACH : parseScale(values.scale, ONE_EACH),
    };
  } catch (error) {
    throw new StartUsageError(error instanceof Error ? error.message : String(error));
  }
}
