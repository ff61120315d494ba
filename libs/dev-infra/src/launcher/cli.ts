import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  claimControlSocket,
  controlSocketPath,
  describeEvent,
  serveControlSocket,
} from './control-socket';
import type { DemoArtwork } from './demo-artwork';
import {
  DEMO_VIEWER,
  seedDemoVideos,
  signInAsAdmin,
  type AdminCredentials,
  type DemoVideos,
} from './demo-videos';
import type { FleetEvent } from './fleet';
import { builtScript } from './plan';
import { readiness, readinessDetail, waitUntil } from './readiness';
import { readStartOptions, START_USAGE, StartUsageError } from './start-usage';
import { Supervisor, withSummary, type ManagedProcess } from './supervisor';
import { startSystem, type RunningSystem } from './system';
import { describeTraceDestination } from './trace-destination';
import { isLogLevel, terminalLog } from './terminal-log';

const write = (text: string) => process.stdout.write(text);
/** Set once Ctrl-C or SIGTERM arrives; start-up errors after that are expected, not reported. */
let stopping = false;

async function main(): Promise<void> {
  const values = readStartOptions(process.argv.slice(2), process.env);
  if (values.help) {
    write(`${START_USAGE}\n`);
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
  const { scale } = values;
  const supervisor = new Supervisor(sink);
  // Fleet events: the terminal prints them, and each `kinema` command in progress hears them.
  const listeners = new Set<(event: FleetEvent) => void>([
    (event) => status(withSummary('  ', describeEvent(event))),
  ]);
  const onEvent = (event: FleetEvent) => {
    for (const listener of listeners) listener(event);
  };
  const socketPath = controlSocketPath(values.dataDir);
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
    dataDir: values.dataDir,
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
  // Once, before anything is done as the admin: a password it no longer has is neither used nor
  // shown, and the seeding uses this sign-in's token rather than opening a session of its own.
  const admin = await signInAsAdmin(system.gatewayUrl, system.plan.admin);
  const passwordChanged = 'passwordChanged' in admin;
  const demo = passwordChanged
    ? undefined
    : await demoVideos(system, 'accessToken' in admin ? admin : system.plan.admin);
  // Before the banner, so nothing the user did not ask for is still running once it shows.
  const artwork = demo ? await demoArtwork(system) : undefined;
  if (artwork?.drawn) await artworkProcessesEnded(system);
  status(banner(system, { demo, artwork, passwordChanged }, (Date.now() - startedAt) / 1000));
  if (values.json) {
    write(
      `${JSON.stringify({ level: 'info', service: 'launcher', msg: 'Kinema is running', gateway: system.gatewayUrl })}\n`,
    );
  }
}

/** What the launcher did as the admin after the processes were up. */
interface AsAdmin {
  demo: DemoVideos | undefined;
  artwork: DemoArtwork | undefined;
  /** The admin no longer signs in with the launcher's password: nothing was seeded. */
  passwordChanged: boolean;
}

function banner(
  system: RunningSystem,
  { demo, artwork, passwordChanged }: AsAdmin,
  elapsed: number,
): string {
  const rows = system.supervisor.running.map((p: ManagedProcess) =>
    withSummary(
      `  ${p.spec.name.padEnd(16)} pid ${String(p.pid).padEnd(8)} ready in ${seconds(p.readyAfterMs)}  `,
      p.spec.summary(p.listeners),
    ),
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
    ...adminLines(system, passwordChanged),
    `  Kafka:    ${system.kafkaBrokers}   S3: ${system.s3Endpoint}`,
    `  Traces:   ${describeTraceDestination(system.traces())}`,
    ...watchLines(demo),
    ...(artwork
      ? [
          `  Artwork:  ${artwork.drawn} titles of the home page given a poster and backdrop, ${artwork.alreadyDrawn} already had them`,
        ]
      : []),
    '',
    'Warnings and errors appear below (LOG_LEVEL=info npm start shows every line, --json the raw stream).',
    'Press Ctrl-C to stop everything.',
    '',
  ].join('\n');
}

function adminLines(system: RunningSystem, passwordChanged: boolean): string[] {
  const { email, password } = system.plan.admin;
  if (!passwordChanged)
    return [
      `  Admin:    ${email} / ${password}  (POST ${system.gatewayUrl}/api/v1/auth/login; development only)`,
    ];
  return [
    `  Admin:    ${email}, whose password is no longer ${password}: it was changed since the`,
    '            account was created, so the demo clips and artwork were left as they are',
    '            (BOOTSTRAP_ADMIN_PASSWORD=<its password> npm start seeds them with it;',
    '            npm start -- --reset starts afresh)',
  ];
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * Draws and uploads the home page's artwork in a process of its own (demo-artwork-cli.ts); a
 * failure only warns (the app draws stand-ins).
 */
async function demoArtwork(system: RunningSystem): Promise<DemoArtwork | undefined> {
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [builtScript('libs/dev-infra/dist/launcher/demo-artwork-cli.js'), system.gatewayUrl],
      {
        env: {
          ...process.env,
          KINEMA_ADMIN_EMAIL: system.plan.admin.email,
          KINEMA_ADMIN_PASSWORD: system.plan.admin.password,
        },
      },
    );
    return JSON.parse(stdout) as DemoArtwork;
  } catch (error) {
    // Ctrl-C reaches the drawing process too: stopping is not a failure to report.
    if (stopping) return undefined;
    write(
      `demo artwork was not uploaded: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return undefined;
  }
}

/** How long the banner waits for the videos replicas' artwork processes to end. */
const ARTWORK_PROCESS_END_MS = 5_000;

/**
 * Waits until no videos replica's readiness reports its artwork image process running: the
 * process that resized the demo's artwork stops a second after its last image (libvips keeps
 * about 120 MiB while it lives). Past ARTWORK_PROCESS_END_MS the banner shows anyway.
 */
async function artworkProcessesEnded(system: RunningSystem): Promise<void> {
  const replicas = system.supervisor.running.filter((p) => p.spec.service === 'videos');
  await waitUntil(async () => {
    for (const replica of replicas) {
      const { body } = await readiness(replica);
      if (readinessDetail<{ imageProcess: string }>(body, 'artwork')?.imageProcess === 'running') {
        return false;
      }
    }
    return true;
  }, ARTWORK_PROCESS_END_MS);
}

/** Uploads the sample clips to demo titles (skipped with DEMO_VIDEOS=0); a failure only warns. */
async function demoVideos(
  system: RunningSystem,
  admin: AdminCredentials,
): Promise<DemoVideos | undefined> {
  if (process.env['DEMO_VIDEOS'] === '0') return undefined;
  try {
    return await seedDemoVideos(system.gatewayUrl, admin);
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
  process.exit(error instanceof StartUsageError ? 2 : 1);
});
