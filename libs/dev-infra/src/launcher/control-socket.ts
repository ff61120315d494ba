import { existsSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { runChaos } from './chaos/chaos-runner';
import { dumpDatabase } from './database-dump';
import type { ChaosSession } from './chaos/chaos-session';
import type { FleetEvent } from './fleet';
import { parseScale, REPO_ROOT, SCALABLE_SERVICES, type ScalableService } from './plan';
import { withSummary } from './supervisor';
import { flushTraces } from './trace-flush';
import type { RunningSystem } from './system';
import { formatStatus, statusRows } from './status';

/** Where a running launcher listens for `kinema` commands: a Unix socket in its data directory. */
export function controlSocketPath(dataDir: string): string {
  return join(dataDir, 'kinema.sock');
}

/**
 * One request per connection: a JSON line in, JSON lines out (progress, then the outcome). A
 * command that ends its side of the connection (or is gone) asks to stop: `chaos` undoes its fault.
 */
export type ControlRequest =
  | { command: 'status' }
  | { command: 'scale'; scale: string }
  | { command: 'restart'; target: string }
  /** Answered with a TraceDestination as JSON: where `kinema trace` finds the spans. */
  | { command: 'traces' }
  /**
   * Every service process exports the spans waiting in its batch; answered with a JSON array of
   * the processes whose latest spans may be missing, and why.
   */
  | { command: 'flush-traces' }
  /** Answered with SystemEndpoints as JSON: where `kinema load` sends its viewers. */
  | { command: 'endpoints' }
  /** A fault scenario held for its duration (the connection stays open while it lasts). */
  | { command: 'chaos'; args: string[] }
  /** Answered with a plain SQL dump of a service's embedded database. */
  | { command: 'pg-dump'; service: string };

/** The answer to `endpoints` (as JSON text): where the gateway is and who the admin is. */
export interface SystemEndpoints {
  gatewayUrl: string;
  /** The development administrator the launcher created (development only). */
  admin: { email: string; password: string };
}

export type ControlReply =
  | { kind: 'progress'; text: string }
  | { kind: 'done'; ok: true; text: string }
  | { kind: 'done'; ok: false; error: string };

/**
 * Refuses to start a second launcher on the same data directory: a socket file whose launcher
 * still answers means one is running; a file nobody answers on is left from a killed launcher.
 */
export async function claimControlSocket(path: string): Promise<void> {
  if (!existsSync(path)) return;
  const answered = await new Promise<boolean>((resolve) => {
    const probe = connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (answered) {
    throw new Error(
      `another launcher runs on this data directory (its control socket ${path} answers); ` +
        'stop it, or start this one with --data-dir DIR',
    );
  }
  unlinkSync(path);
}

/**
 * Serves `kinema status | scale | restart | chaos`, and what `kinema trace` and `kinema load` need
 * to know (where the traces and the gateway are), for a running system; events feed the progress.
 */
export async function serveControlSocket(
  path: string,
  system: RunningSystem,
  subscribe: (listener: (event: FleetEvent) => void) => () => void,
): Promise<Server> {
  // Half-open: a command that ends its side (Ctrl-C of `kinema chaos`) still hears the outcome.
  const kinemaCommand = kinemaCommandLine(dirname(path));
  const server = createServer(
    { allowHalfOpen: true },
    (socket) => void handle(socket, system, subscribe, kinemaCommand),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  server.unref();
  return server;
}

/**
 * What `kinema scale` did, and what a service scaled to none means to whoever uses the system:
 * without a gateway the public port closes every connection at once, as a Service without
 * endpoints does, and without another service the gateway answers what needs it with 503 (the
 * command said only "gateway: 1 -> 0").
 */
export function scaleSummary(
  current: Record<ScalableService, number>,
  wanted: Record<ScalableService, number>,
  gatewayUrl: string,
  kinemaCommand: (args: string) => string,
): string {
  const changed = SCALABLE_SERVICES.filter((service) => wanted[service] !== current[service]);
  if (changed.length === 0) return 'nothing to change';
  const lines = [
    changed.map((service) => `${service}: ${current[service]} -> ${wanted[service]}`).join(', '),
  ];
  for (const service of changed.filter((service) => wanted[service] === 0)) {
    const back = `\`${kinemaCommand(`scale ${service}=1`)}\``;
    lines.push(
      service === 'gateway'
        ? `no gateway runs: ${gatewayUrl} closes every connection at once until ${back}`
        : `no ${service} runs: the gateway answers what needs it with 503 and Retry-After until ${back}`,
    );
  }
  return lines.join('\n');
}

/** `npm run kinema -- <args>`, naming the data directory when it is not the default one. */
function kinemaCommandLine(dataDir: string): (args: string) => string {
  const option = dataDir === join(REPO_ROOT, '.data') ? '' : ` --data-dir ${dataDir}`;
  return (args) => `npm run kinema -- ${args}${option}`;
}

async function handle(
  socket: Socket,
  system: RunningSystem,
  subscribe: (listener: (event: FleetEvent) => void) => () => void,
  kinemaCommand: (args: string) => string,
): Promise<void> {
  // A command that is gone (killed, or Ctrl-C twice) resets the connection: the error is that,
  // and 'close' follows, which ends its session. Unhandled, it would take the launcher down.
  socket.on('error', () => undefined);
  const reply = (message: ControlReply) => {
    if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
  };
  const lines = createInterface({ input: socket });
  const first = await new Promise<string | undefined>((resolve) => {
    lines.once('line', resolve);
    lines.once('close', () => resolve(undefined));
  });
  lines.close();
  if (first === undefined) return;
  // Closing the reader paused the socket: read on (nothing more is expected) to hear its end.
  const ended = new Promise<void>((resolve) => {
    socket.once('end', resolve);
    socket.once('close', resolve);
  });
  socket.resume();
  const unsubscribe = subscribe((event) => reply({ kind: 'progress', text: describeEvent(event) }));
  const session: ChaosSession = {
    say: (text) => reply({ kind: 'progress', text }),
    ended,
    subscribe,
    kinemaCommand,
  };
  try {
    const request = JSON.parse(first) as ControlRequest;
    reply({ kind: 'done', ok: true, text: await perform(request, system, session) });
  } catch (error) {
    reply({
      kind: 'done',
      ok: false,
      error: error instanceof Error ? error.message : String(error),
    });
  } finally {
    unsubscribe();
    socket.end();
  }
}

async function perform(
  request: ControlRequest,
  system: RunningSystem,
  session: ChaosSession,
): Promise<string> {
  switch (request.command) {
    case 'status':
      return formatStatus(
        await statusRows(
          system.supervisor.running,
          system.fleet.addressBook,
          system.fleet.front.replicas,
        ),
      );
    case 'scale': {
      const current = Object.fromEntries(
        SCALABLE_SERVICES.map((service) => [service, system.fleet.replicas(service).length]),
      ) as Record<ScalableService, number>;
      const wanted = parseScale(request.scale, current, 0);
      const changed = SCALABLE_SERVICES.filter((service) => wanted[service] !== current[service]);
      await Promise.all(changed.map((service) => system.fleet.scale(service, wanted[service])));
      return scaleSummary(current, wanted, system.gatewayUrl, session.kinemaCommand);
    }
    case 'restart':
      await system.fleet.restart(request.target);
      return `${request.target} restarted`;
    case 'traces':
      return JSON.stringify(system.traces());
    case 'flush-traces':
      return JSON.stringify(await flushTraces(system.supervisor));
    case 'endpoints': {
      const endpoints: SystemEndpoints = {
        gatewayUrl: system.gatewayUrl,
        admin: system.plan.admin,
      };
      return JSON.stringify(endpoints);
    }
    case 'chaos':
      return runChaos(request.args, system, session);
    case 'pg-dump':
      return dumpDatabase(system, request.service);
    default:
      throw new Error(
        `unknown command ${JSON.stringify((request as { command?: unknown }).command)}`,
      );
  }
}

/** One line a person reads for each thing that happens to a process. */
export function describeEvent(event: FleetEvent): string {
  switch (event.kind) {
    case 'ready':
      return withSummary(
        `ready     ${event.process.spec.name.padEnd(16)} in ${(event.process.readyAfterMs / 1000).toFixed(1)}s  `,
        event.process.spec.summary(event.process.listeners),
      );
    case 'draining':
      return event.unlisted
        ? `draining  ${event.name.padEnd(16)} (out of the gateways' address list; finishing its calls)`
        : `stopping  ${event.name}`;
    case 'stopped':
      return `stopped   ${event.name.padEnd(16)} (${typeof event.code === 'number' ? `exit ${event.code}` : event.code})`;
    case 'crashed':
      // Exit 0 nobody asked for (a SIGTERM sent by hand) is no crash, though it is restarted the
      // same way, as a pod's container that completes is.
      return (
        (event.code === 0
          ? `exited    ${event.name.padEnd(16)} (exit 0, not asked to by the launcher); `
          : `crashed   ${event.name.padEnd(16)} (${typeof event.code === 'number' ? `exit ${event.code}` : event.code}); `) +
        `restart ${event.restarts} in ${(event.retryInMs / 1000).toFixed(0)}s` +
        (event.looping ? `  -- crash loop: ${event.restarts} restarts in a row` : '')
      );
    case 'restart-failed':
      return `failed    ${event.name.padEnd(16)} to come back: ${event.error}`;
    case 'unready':
      return `unready   ${event.name.padEnd(16)} (${event.failures} readiness probes failed in a row; no new connections until it answers)`;
    case 'unhealthy':
      return `unhealthy ${event.name.padEnd(16)} (${event.failures} liveness probes failed in a row; killing it, as the kubelet would, to start it again)`;
    case 'ready-again':
      return `ready     ${event.name.padEnd(16)} (answers its readiness probe again; back in rotation)`;
  }
}
