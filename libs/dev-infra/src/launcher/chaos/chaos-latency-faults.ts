import { OPS_PATHS, type InjectedFault } from '@kinema/contracts/supervision';
import type { RunningSystem } from '../system';
import type { ChaosRequest } from './chaos-options';
import { formatDuration } from './chaos-options';
import { probeService, SLOW_SERVICE_SEEN_BY_USERS } from './chaos-probe';
import { notReadyAfter, opsUrl } from './chaos-readiness';
import type { ActiveFault, ChaosContext } from './chaos-session';

/** How long a process has to say it applied a fault. */
const ANSWER_TIMEOUT_MS = 5_000;

interface Outcome {
  name: string;
  pid: number;
  applied: boolean;
  reason?: string;
}

function sameFault(a: InjectedFault, b: InjectedFault): boolean {
  return (
    a.kind === b.kind &&
    a.latencyMs === b.latencyMs &&
    (a.kind !== 'call-latency' || (b.kind === 'call-latency' && a.service === b.service))
  );
}

/** Sends `fault` to each process over its IPC channel and waits for each one's answer. */
async function inject(
  system: RunningSystem,
  names: readonly string[],
  fault: InjectedFault,
): Promise<Outcome[]> {
  const waiting = new Map<string, (outcome: Outcome) => void>();
  const stop = system.supervisor.onMessage((process, message) => {
    if (message.type !== 'kinema.fault-applied' || !sameFault(message.fault, fault)) return;
    waiting.get(process.spec.name)?.({
      name: process.spec.name,
      pid: process.pid,
      applied: message.applied,
      ...(message.reason ? { reason: message.reason } : {}),
    });
  });
  try {
    return await Promise.all(
      names.map(
        (name) =>
          new Promise<Outcome>((resolve) => {
            const pid = system.supervisor.get(name)?.pid ?? -1;
            const timer = setTimeout(
              () => resolve({ name, pid, applied: false, reason: 'it did not answer' }),
              ANSWER_TIMEOUT_MS,
            );
            waiting.set(name, (outcome) => {
              clearTimeout(timer);
              resolve(outcome);
            });
            if (!system.supervisor.send(name, { type: 'kinema.inject-fault', fault })) {
              clearTimeout(timer);
              resolve({ name, pid, applied: false, reason: 'it is not running' });
            }
          }),
      ),
    );
  } finally {
    stop();
  }
}

/**
 * slow-database and slow-network: a latency the processes simulate themselves (their seams in
 * @kinema/platform's faults), sent over their IPC channel; replicas that start while it lasts
 * get it too. Refused as a whole when a process cannot apply it.
 */
export async function startLatencyFault(
  { system, session }: ChaosContext,
  request: Extract<ChaosRequest, { scenario: 'slow-database' | 'slow-network' }>,
): Promise<ActiveFault> {
  const { service, latencyMs } = request;
  const database = request.scenario === 'slow-database';
  const holder = database ? service : 'gateway';
  const fault: InjectedFault = database
    ? { kind: 'database-latency', latencyMs }
    : { kind: 'call-latency', service, latencyMs };
  const ended: InjectedFault = { ...fault, latencyMs: 0 };
  const latency = formatDuration(latencyMs);
  const effect = database
    ? `every round trip to its database answers ${latency} late`
    : `every call it makes to ${service} answers ${latency} late`;

  const replicas = system.fleet.replicas(holder);
  if (replicas.length === 0) throw new Error(`${holder} has no running replica`);
  const outcomes = await inject(system, replicas, fault);
  const refused = outcomes.filter((outcome) => !outcome.applied);
  if (refused.length > 0) {
    const applied = outcomes.filter((outcome) => outcome.applied).map((outcome) => outcome.name);
    await inject(system, applied, ended);
    throw new Error(
      `nothing changed: ${refused.map((o) => `${o.name} did not apply the fault (${o.reason})`).join('; ')}`,
    );
  }
  for (const outcome of outcomes) session.say(`  ${outcome.name} (pid ${outcome.pid}): ${effect}`);
  const stopFollowing = session.subscribe((event) => {
    if (event.kind !== 'ready' || event.process.spec.service !== holder) return;
    void inject(system, [event.process.spec.name], fault).then(([outcome]) =>
      session.say(
        outcome?.applied
          ? `  ${outcome.name} (pid ${outcome.pid}) started meanwhile: ${effect} there too`
          : `  ${event.process.spec.name} started meanwhile but did not apply the fault (${outcome?.reason})`,
      ),
    );
  });

  const first = system.supervisor.get(replicas[0] ?? '');
  const gatewayOps = opsUrl(system.supervisor.get('gateway'), OPS_PATHS.metrics);
  const serviceOps = opsUrl(system.supervisor.get(service), OPS_PATHS.metrics);
  const watch = database
    ? [
        `  Metric:    grpc_server_handling_seconds{service="${service}"} at ${serviceOps} (each replica has its own): calls move to the buckets above ${latency}`,
        `  Readiness: ${opsUrl(first, OPS_PATHS.readiness)} names the fault under details.lifecycle.faults`,
        `  In traces: each SQL span of ${service} lasts ${latency} longer`,
        ...(system.plan.externalDatabases.length === 0
          ? [
              `  Note:      the embedded PGlite gives each replica one connection, so its queries queue behind the slow ones: the delay compounds under load, and /readyz may report the database down`,
            ]
          : []),
      ]
    : [
        `  Metric:    http_server_request_duration_seconds at the gateway's ${gatewayOps} rises, while grpc_server_handling_seconds{service="${service}"} at ${serviceOps} does not: the time goes between them`,
        `  Readiness: ${system.gatewayUrl}${OPS_PATHS.readiness} names the fault under details.lifecycle.faults`,
        `  In traces: the gateway's gRPC client span lasts ${latency} longer than the ${service} server span under it`,
      ];
  return {
    probe: () => probeService(system.gatewayUrl, system.plan.admin, service),
    watch: [...watch, `  Web user:  ${SLOW_SERVICE_SEEN_BY_USERS[service]}`],
    undo: async () => {
      stopFollowing();
      const now = system.fleet.replicas(holder);
      const undone = await inject(system, now, ended);
      const failed = undone.filter((outcome) => !outcome.applied);
      const notReady = await notReadyAfter((name) => system.supervisor.get(name), now, 30_000);
      const what = database ? 'its database answers' : `its calls to ${service} answer`;
      return (
        `${now.join(', ')}: ${what} at full speed again` +
        (failed.length > 0
          ? `, except ${failed.map((o) => `${o.name} (${o.reason})`).join(', ')}`
          : '') +
        (notReady.length > 0 ? `; not ready yet: ${notReady.join(', ')}` : '; ready')
      );
    },
  };
}
