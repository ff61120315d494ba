import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  claimControlSocket,
  controlSocketPath,
  describeEvent,
  serveControlSocket,
} from './control-socket';
import { seedDemoArtwork, type DemoArtwork } from './demo-artwork';
import { DEMO_VIEWER, seedDemoVideos, type DemoVideos } from './demo-videos';
import type { FleetEvent } from './fleet';
import { ONE_EACH, parseScale, REPO_ROOT } from './plan';
import { Supervisor, type ManagedProcess } from './supervisor';
import { startSystem, type RunningSystem } from './system';
import { describeTraceDestination } from './trace-destination';
import { isLogLevel, terminalLog } from './terminal-log';

const USAGE = `Usage: npm start [-- --reset] [-- --data-dir DIR] [-- --json] [-- --scale catalog=3,...]

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
Environment: GATEWAY_PORT, CATALOG_GRPC_PORT, CATALOG_OPS_PORT, CATALOG_PGLITE_PORT, USERS_GRPC_PORT,
USERS_OPS_PORT, USERS_PGLITE_PORT, VIDEOS_GRPC_PORT, VIDEOS_OPS_PORT, VIDEOS_PGLITE_PORT, KAFKA_PORT,
S3_PORT and OTLP_PORT (the trace receiver, default 14318) choose ports (0: any free port). BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD
name the development admin (default admin@kinema.local / kinema-dev-admin); REDIS_URL,
TRUST_PROXY, SESSION_CHECK_CACHE_MS, RATE_LIMIT_* and CATALOG_CACHE_* reach the gateway as they
are. Real servers replace the stand-ins: DATABASE_URL (a PostgreSQL server; one database per
service, named kinema_<service>), KAFKA_BROKERS (host:port,...), S3_ENDPOINT (URL); DEMO_TITLES
sets the size of the demo catalog (default 500); DEMO_VIDEOS=0 skips uploading the sample clips;
PLAYBACK_MODE=redirect serves playback as redirects to the S3 server; KINEMA_PROFILE_DIR=DIR makes
every process write a CPU profile (.cpuprofile) into DIR when it stops.
Traces: every request is traced and kept by the embedded receiver (\`npm run kinema -- trace last\`).
OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) sends them to your own collector
instead (no receiver runs); OTEL_SDK_DISABLED=true turns tracing off; the other OTEL_* variables
(OTEL_TRACES_SAMPLER, OTEL_EXPORTER_OTLP_PROTOCOL, ...) reach every process as they are.`;

const write = (text: string) => process.stdout.write(text);
/** Set once Ctrl-C or SIGTERM arrives; start-up errors after that are expected, not reported. */
let stopping = false;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      reset: { type: 'boolean', default: false },
      'data-dir': { type: 'string', default: join(REPO_ROOT, '.data') },
      json: { type: 'boolean', default: false },
      scale: { type: 'string', default: process.env['KINEMA_SCALE'] ?? '' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    write(`${USAGE}\n`);
    return;
  }
  const logLevel = process.env['LOG_LEVEL'] || 'info';
  if (!isLogLevel(logLevel))
    throw new Error(`LOG_LEVEL must be a pino level name, got "${logLevel}"`);
  const colour = Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'];
  const sink = terminalLog({
    json: values.json,
    colour,
    // People see warnings and errors unless they ask for more; --json is for machines: all of it.
    level: values.json ? logLevel : (process.env['LOG_LEVEL'] ?? 'warn'),
    write,
  });
  const status = (text: string) => {
    if (!values.json) write(`${text}\n`);
  };
  const scale = parseScale(values.scale, ONE_EACH);
  const supervisor = new Supervisor(sink);
  // Fleet events: the terminal prints them, and each `kinema` command in progress hears them.
  const listeners = new Set<(event: FleetEvent) => void>([
    (event) => status(`  ${describeEvent(event)}`),
  ]);
  const onEvent = (event: FleetEvent) => {
    for (const listener of listeners) listener(event);
  };
  const socketPath = controlSocketPath(values['data-dir']);
  // Filled once start-up completes; a signal before that stops whatever the supervisor has up.
  const started: { system?: RunningSystem } = {};
  const shutdown = async (signal: string) => {
    if (stopping) {
      // Second Ctrl-C: the user is done waiting.
      status(`${signal} again: killing every process now.`);
      await Promise.all(supervisor.running.map((p) => supervisor.kill(p.spec.name)));
      process.exit(130);
    }
    stopping = true;
    status(
      `\n${signal}: stopping, the gateway first and the stand-ins last (Ctrl-C again to force)...`,
    );
    await (started.system ? started.system.stop() : supervisor.stopAll());
    status('Everything stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGHUP', () => void shutdown('SIGHUP'));

  const startedAt = Date.now();
  await claimControlSocket(socketPath);
  status('Starting Kinema: the stand-ins, then the services, then the gateway...');
  const system = await startSystem({
    dataDir: values['data-dir'],
    reset: values.reset,
    demoTitles: process.env['DEMO_TITLES'] ? Number(process.env['DEMO_TITLES']) : 500,
    logLevel,
    scale,
    sink,
    supervisor,
    onEvent,
  });
  started.system = system;
  await serveControlSocket(socketPath, system, (listener) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  });
  const demo = await demoVideos(system);
  status(banner(system, demo, (Date.now() - startedAt) / 1000));
  // After the banner: drawing 500 titles' artwork takes a while (and, three requests a title,
  // more than a minute of the admin's request budget); the most popular are drawn first.
  void demoArtwork(system).then((artwork) => {
    if (artwork && !stopping) {
      status(
        `  Artwork:  ${artwork.drawn} demo titles given a poster and backdrop, ${artwork.alreadyDrawn} already had them`,
      );
    }
  });
  if (values.json) {
    write(
      `${JSON.stringify({ level: 'info', service: 'launcher', msg: 'Kinema is running', gateway: system.gatewayUrl })}\n`,
    );
  }
}

function banner(system: RunningSystem, demo: DemoVideos | undefined, elapsed: number): string {
  const rows = system.supervisor.running.map(
    (p: ManagedProcess) =>
      `  ${p.spec.name.padEnd(16)} pid ${String(p.pid).padEnd(8)} ready in ${seconds(p.readyAfterMs)}  ${p.spec.summary(p.listeners)}`,
  );
  return [
    '',
    `Kinema is running (${elapsed.toFixed(1)}s):`,
    '',
    `  Web:      ${system.gatewayUrl}/   (sign in as ${system.plan.admin.email} or register)`,
    '',
    ...rows,
    '',
    `  API:      ${system.gatewayUrl}/api/v1/titles?limit=5`,
    `  Browse:   ${system.gatewayUrl}/api/v1/browse`,
    `  Docs:     ${system.gatewayUrl}/docs`,
    `  Admin:    ${system.plan.admin.email} / ${system.plan.admin.password}  (POST ${system.gatewayUrl}/api/v1/auth/login; development only)`,
    `  Kafka:    ${system.kafkaBrokers}   S3: ${system.s3Endpoint}`,
    `  Traces:   ${describeTraceDestination(system.traces())}`,
    ...watchLines(demo),
    '  Artwork:  drawing a poster and backdrop for every demo title, most popular first...',
    '',
    'Warnings and errors appear below (LOG_LEVEL=info npm start shows every line, --json the raw stream).',
    'Press Ctrl-C to stop everything.',
    '',
  ].join('\n');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Draws and uploads the demo titles' artwork; a failure only warns (the app draws stand-ins). */
async function demoArtwork(system: RunningSystem): Promise<DemoArtwork | undefined> {
  try {
    return await seedDemoArtwork(system.gatewayUrl, system.plan.admin);
  } catch (error) {
    write(
      `demo artwork was not uploaded: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return undefined;
  }
}

/** Uploads the sample clips to demo titles (skipped with DEMO_VIDEOS=0); a failure only warns. */
async function demoVideos(system: RunningSystem): Promise<DemoVideos | undefined> {
  if (process.env['DEMO_VIDEOS'] === '0') return undefined;
  try {
    return await seedDemoVideos(system.gatewayUrl, system.plan.admin);
  } catch (error) {
    write(
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
  process.stderr.write(`\nkinema: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
