import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './plan';
import { DEMO_VIEWER, seedDemoVideos, type DemoVideos } from './demo-videos';
import { Supervisor } from './supervisor';
import { PortInUseError, startSystem, type RunningSystem } from './system';

const USAGE = `Usage: npm start [-- --reset] [-- --data-dir DIR]

Starts Kinema on this machine: PGlite, then the services, then the gateway, each a process.
  --reset          delete the data directory first (fresh demo catalog)
  --data-dir DIR   where the stand-ins keep their data (default: .data)
Environment: GATEWAY_PORT, CATALOG_GRPC_PORT, CATALOG_OPS_PORT, CATALOG_PGLITE_PORT, USERS_GRPC_PORT,
USERS_OPS_PORT, USERS_PGLITE_PORT, VIDEOS_GRPC_PORT, VIDEOS_OPS_PORT, VIDEOS_PGLITE_PORT, KAFKA_PORT and S3_PORT choose ports. BOOTSTRAP_ADMIN_EMAIL and
BOOTSTRAP_ADMIN_PASSWORD name the development admin (default admin@kinema.local / kinema-dev-admin);
REDIS_URL, TRUST_PROXY, SESSION_CHECK_CACHE_MS and RATE_LIMIT_* reach the gateway as they are. Real servers replace the stand-ins: DATABASE_URL (a PostgreSQL server; one
database per service, named kinema_<service>), KAFKA_BROKERS (host:port,...), S3_ENDPOINT (URL);
DEMO_TITLES sets the size of the demo catalog (default 500); DEMO_VIDEOS=0 skips uploading the
sample clips; PLAYBACK_MODE=redirect serves playback as redirects to the S3 server; LOG_LEVEL sets the services' log level.`;

const colours = [36, 33, 35, 32, 34, 91, 92, 93, 94, 95];
const useColour = Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'];
const names = new Map<string, string>();
/** Set once Ctrl-C or SIGTERM arrives; start-up errors after that are expected, not reported. */
let stopping = false;

function label(name: string): string {
  let text = names.get(name);
  if (!text) {
    const padded = name.padEnd(16);
    text = useColour ? `\u001b[${colours[names.size % colours.length]}m${padded}\u001b[0m` : padded;
    names.set(name, text);
  }
  return text;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      reset: { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: join(REPO_ROOT, '.data') },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const sink = (name: string, line: string) => process.stdout.write(`${label(name)}| ${line}\n`);
  const supervisor = new Supervisor(sink, (name, code) =>
    process.stdout.write(
      `${label(name)}| exited unexpectedly (${code}); the others keep running\n`,
    ),
  );
  // Filled once start-up completes; a signal before that stops whatever the supervisor has up.
  const started: { system?: RunningSystem } = {};
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping every process...\n`);
    // Still starting: stop whatever is up. Started: stop in order, edge first.
    await (started.system ? started.system.stop() : supervisor.stopAll());
    process.stdout.write('Everything stopped.\n');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const startedAt = Date.now();
  const system = await startSystem({
    dataDir: values['data-dir'],
    reset: values.reset,
    demoTitles: process.env['DEMO_TITLES'] ? Number(process.env['DEMO_TITLES']) : 500,
    logLevel: process.env['LOG_LEVEL'] ?? 'info',
    sink,
    supervisor,
  });
  started.system = system;
  const demo = await demoVideos(system);
  const lines = system.supervisor.running.map(
    (p) =>
      `  ${p.spec.name.padEnd(16)} pid ${String(p.pid).padEnd(8)} ready in ${(p.readyAfterMs / 1000).toFixed(1)}s  ${p.spec.summary}`,
  );
  process.stdout.write(
    [
      '',
      `Kinema is running (${((Date.now() - startedAt) / 1000).toFixed(1)}s):`,
      ...lines,
      '',
      `  API:      ${system.gatewayUrl}/api/v1/titles?limit=5`,
      `  Browse:   ${system.gatewayUrl}/api/v1/browse`,
      `  Docs:     ${system.gatewayUrl}/docs`,
      `  Admin:    ${system.plan.admin.email} / ${system.plan.admin.password}  (POST ${system.gatewayUrl}/api/v1/auth/login; development only)`,
      `  Kafka:    ${system.plan.kafkaBrokers}   S3: ${system.plan.s3Endpoint}`,
      ...watchLines(demo),
      '',
      'Press Ctrl-C to stop everything.',
      '',
    ].join('\n'),
  );
}

/** Uploads the sample clips to demo titles (skipped with DEMO_VIDEOS=0); a failure only warns. */
async function demoVideos(system: RunningSystem): Promise<DemoVideos | undefined> {
  if (process.env['DEMO_VIDEOS'] === '0') return undefined;
  try {
    return await seedDemoVideos(system.gatewayUrl, system.plan.admin);
  } catch (error) {
    process.stdout.write(
      `demo videos were not uploaded: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return undefined;
  }
}

function watchLines(demo: DemoVideos | undefined): string[] {
  if (!demo) return [];
  const lines = [
    `  Videos:   ${demo.uploaded} sample clips uploaded, ${demo.alreadyPlayable} titles already playable`,
  ];
  if (demo.watchUrl) {
    lines.push(
      `  Watch:    ${demo.watchUrl}`,
      `            (${demo.watchTitle ?? 'a demo title'}, as ${DEMO_VIEWER.email}; open it in a browser, the grant in the URL lasts 4 hours)`,
    );
  }
  return lines;
}

main().catch((error: unknown) => {
  if (stopping) return;
  process.stderr.write(
    `\nkinema: ${error instanceof PortInUseError || error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
