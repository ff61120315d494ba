import { LIVENESS_PROBE, OPS_PATHS, READINESS_PROBE } from '@kinema/contracts/supervision';
import type { ProbeSettings } from '../probe-watch';
import { readiness, readinessDetail, waitUntil } from '../readiness';
import type { ManagedProcess } from '../supervisor';
import type { ChaosRequest } from './chaos-options';
import { gatewayReaches, outboxProbe, probe, probeService, signIn } from './chaos-probe';
import { notReadyAfter, opsUrl } from './chaos-readiness';
import type { ActiveFault, ChaosContext } from './chaos-session';

/** How long the system gets to serve again after a fault is undone before we say it has not. */
const RECOVERY_TIMEOUT_MS = 120_000;

/**
 * A session for checking afterwards that the gateway reaches `service` again, opened before the
 * fault (the users service signs in; videos' reads are the admin's).
 */
async function sessionFor(context: ChaosContext, service: string): Promise<string | undefined> {
  if (service !== 'users' && service !== 'videos') return undefined;
  return (await signIn(context.system.gatewayUrl, context.system.plan.admin)).token;
}

/** `; the gateway reaches it again` once requests through it get answers from `service`. */
async function reachedAgain(context: ChaosContext, service: string, token?: string) {
  const reached = await gatewayReaches(
    context.system.gatewayUrl,
    service,
    token,
    RECOVERY_TIMEOUT_MS,
  );
  const after = `after ${RECOVERY_TIMEOUT_MS / 1000} s`;
  if (service === 'gateway') {
    return reached ? '; the site answers again' : `; but the site does not answer ${after}`;
  }
  return reached
    ? `; requests through the gateway reach ${service} again`
    : `; but requests through the gateway still fail to reach ${service} ${after}`;
}

/** The replicas of the services (not the stand-ins, not the gateways): they own the outboxes. */
function serviceProcesses(context: ChaosContext): ManagedProcess[] {
  return context.system.supervisor.running.filter(
    (process) => process.listeners.grpc !== undefined,
  );
}

/** broker-down: the embedded broker stops (held, not crashed), then starts on the same port. */
export async function startBrokerDown(context: ChaosContext): Promise<ActiveFault> {
  const { system, session } = context;
  if (system.plan.externalKafka) {
    throw new Error(
      `broker-down stops the embedded Kafka stand-in, and this launcher has none: it uses the Kafka ` +
        `at KAFKA_BROKERS=${system.plan.externalKafka}. Stop that broker yourself to see the same.`,
    );
  }
  session.say('  stopping the Kafka stand-in (kafka); nothing restarts it until the fault ends');
  await system.fleet.hold(['kafka']);
  const users = system.supervisor.get('users');
  return {
    probe: () => outboxProbe(system.gatewayUrl, system.plan.admin),
    watch: [
      '  A write like the one above succeeds without Kafka: its event (users.playback.v1) waits in the users outbox.',
      `  Metric:    outbox_pending_events and outbox_oldest_pending_age_seconds at ${opsUrl(users, OPS_PATHS.metrics)} grow (every service with an outbox has them); once the broker is back, kafka_consumer_group_lag shows the backlog draining`,
      `  Readiness: ${opsUrl(users, OPS_PATHS.readiness)} says details.lifecycle.messaging.kafka "unreachable" once it tries to send`,
      '  Web user:  nothing fails: pages load, progress and My List are saved; what waits is live: "new on Kinema" and other notifications, trending, and other gateway replicas catching up with a change',
    ],
    undo: async () => {
      await system.fleet.release(['kafka']);
      const behind = new Set<string>();
      await waitUntil(async () => {
        behind.clear();
        for (const process of serviceProcesses(context)) {
          const messaging = readinessDetail<{ kafka: string; consumers: Record<string, string> }>(
            (await readiness(process)).body,
            'messaging',
          );
          const joined = Object.values(messaging?.consumers ?? {}).every((s) => s === 'joined');
          if (messaging?.kafka !== 'reachable' || !joined) behind.add(process.spec.name);
        }
        return behind.size === 0;
      }, RECOVERY_TIMEOUT_MS);
      return behind.size === 0
        ? 'kafka is back: every service reaches it again and its consumers have joined; the outboxes drain'
        : `kafka is back, but ${[...behind].join(', ')} did not reach it (or rejoin) within ${RECOVERY_TIMEOUT_MS / 1000} s`;
    },
  };
}

/** users-down: every users replica drains and stops (held), then all start again. */
export async function startUsersDown(context: ChaosContext): Promise<ActiveFault> {
  const { system, session } = context;
  const replicas = system.fleet.replicas('users');
  if (replicas.length === 0) throw new Error('users has no running replica to stop');
  const token = await sessionFor(context, 'users');
  session.say(
    `  stopping every users replica (${replicas.join(', ')}); nothing restarts them until the fault ends`,
  );
  await system.fleet.hold(replicas);
  return {
    probe: async () => [
      (await signIn(system.gatewayUrl, system.plan.admin)).answer,
      await probe(system.gatewayUrl, 'GET', '/api/v1/titles?limit=5'),
    ],
    watch: [
      `  Metric:    at the gateway's ${opsUrl(system.supervisor.get('gateway'), OPS_PATHS.metrics)}, http_server_request_duration_seconds_count{route="/api/v1/auth/login",status_code="503"} rises, and gateway_catalog_cache_lookups_total{result="hit"} keeps rising`,
      '  Web user:  signing in, profiles, My List and continue watching say "try again" (503 with Retry-After); the home page and catalog pages still load; a signed-in page fails once its session check (cached 2 s) needs users; a tab opened or reloaded meanwhile browses as a visitor, says so, and signs back in once users is back',
    ],
    undo: async () => {
      await system.fleet.release(replicas);
      return `users is back (${replicas.join(', ')} ready)${await reachedAgain(context, 'users', token)}`;
    },
  };
}

/** hung-replica: the service's last replica freezes (SIGSTOP) and is thawed (SIGCONT) after. */
export async function startHungReplica(
  context: ChaosContext,
  request: Extract<ChaosRequest, { scenario: 'hung-replica' }>,
): Promise<ActiveFault> {
  const { system, session } = context;
  const { service } = request;
  const replicas = system.fleet.replicas(service);
  const token = await sessionFor(context, service);
  const victim = replicas.at(-1);
  const frozen = victim ? system.supervisor.freeze(victim) : undefined;
  if (!victim || !frozen) throw new Error(`${service} has no running replica to freeze`);
  session.say(
    `  froze ${victim} (pid ${frozen.pid}, SIGSTOP): it keeps its sockets open and answers nothing`,
  );
  const others = replicas.length - 1;
  const edge = service === 'gateway';
  // A hung replica is the launcher's to deal with, as the kubelet's on a cluster: the fleet kills
  // it (to start it again) once its liveness probe has failed often enough, and a gateway's front
  // hands it new connections until its readiness probe has.
  const within = ({ periodMs, timeoutMs, failureThreshold }: ProbeSettings) =>
    `${failureThreshold} probes ${periodMs / 1000} s apart, within ${(failureThreshold * periodMs + timeoutMs) / 1000} s`;
  const restarted = `kills it and starts it again once its liveness probe fails (${within(LIVENESS_PROBE)})`;
  const hangs = edge
    ? 'the requests on connections it holds hang with no answer. As the kubelet would, the launcher ' +
      `hands it no new connection once its readiness probe fails (${within(READINESS_PROBE)}), and ` +
      `${restarted}, which ends the connections it held`
    : 'the calls sent to it fail: 503 once the gateway drops its silent connection (within about 2 s), or 504 at their deadline (GRPC_DEADLINE_MS, 5 s), ' +
      `until the launcher, as the kubelet would, ${restarted}`;
  if (others === 0) {
    session.say(
      `  ${service} has one replica: all ${hangs}. To see how other replicas carry the load, ` +
        `end this (Ctrl-C), run \`${session.kinemaCommand(`scale ${service}=3`)}\`, and try again.`,
    );
  } else if (edge) {
    session.say(
      `  ${others} other replica${others === 1 ? ' keeps' : 's keep'} answering; ${hangs}.`,
    );
  } else {
    session.say(
      `  ${others} other replica${others === 1 ? ' keeps' : 's keep'} answering, and the gateway routes around the hung one: ` +
        'a read it was sent is also sent to another replica after 0.5 s (hedged), and the replica leaves rotation ' +
        'within about 2 s (its connection misses a keepalive ping). A write sent to it before that is never sent twice: ' +
        'it fails, 503 once that connection is dropped or 504 at its deadline (GRPC_DEADLINE_MS, 5 s), and the ' +
        'frozen replica may still carry it out if it thaws (its trace then shows the work after the failure). ' +
        `As the kubelet would, the launcher ${restarted}.`,
    );
  }
  const gatewayOps = opsUrl(system.supervisor.get('gateway'), OPS_PATHS.metrics);
  return {
    probe: () => probeService(system.gatewayUrl, system.plan.admin, service),
    watch: [
      `  Metric:    ${victim}'s own ${opsUrl(frozen, OPS_PATHS.metrics)} does not answer at all (try curl --max-time 2)` +
        (edge
          ? `; nothing counts the requests it swallows (no answer, no status code); this terminal says "unready ${victim}" when it leaves rotation and "unhealthy ${victim}" when it is killed`
          : others === 0
            ? `; at the gateway's ${gatewayOps}, http_server_request_duration_seconds_count{status_code=~"503|504"} rises`
            : `; at the gateway's ${gatewayOps}, http_server_request_duration_seconds_count{status_code="200"} keeps rising, and {status_code=~"503|504"} only by the writes it held`),
      `  Web user:  ${
        edge
          ? others === 0
            ? `page loads hang with no answer; once the replica is out of rotation a new connection is closed at once, and once it is started again pages load`
            : `about one in ${replicas.length} of the page loads hang until the replica is out of rotation, and a browser reusing a connection it held hangs until it is killed; the web app gives its own requests up after 15 s and asks again`
          : others === 0
            ? `pages that need ${service} and are not cached spin for up to 5 s, then show an error, until it is started again`
            : `pages load; for the first seconds some that need ${service} take half a second longer`
      }`,
    ],
    undo: async () => {
      // A gateway whose liveness probe failed was killed and started again meanwhile.
      const how = system.supervisor.thaw(victim)
        ? 'thawed (SIGCONT)'
        : 'was killed by its liveness probe meanwhile, started again,';
      const notReady = await notReadyAfter(
        (name) => system.supervisor.get(name),
        [victim],
        RECOVERY_TIMEOUT_MS,
      );
      return notReady.length === 0
        ? `${victim} ${how} and ready again${await reachedAgain(context, service, token)}`
        : `${victim} ${how} but not ready after ${RECOVERY_TIMEOUT_MS / 1000} s`;
    },
  };
}

/** crashed-replica: the service's last replica gets SIGKILL; the fleet restarts it as a crash. */
export async function startCrashedReplica(
  context: ChaosContext,
  request: Extract<ChaosRequest, { scenario: 'crashed-replica' }>,
): Promise<ActiveFault> {
  const { system, session } = context;
  const { service } = request;
  const replicas = system.fleet.replicas(service);
  const victim = replicas.at(-1);
  const before = victim ? system.supervisor.get(victim) : undefined;
  if (!victim || !before) throw new Error(`${service} has no running replica to kill`);
  const token = await sessionFor(context, service);
  session.say(
    `  killing ${victim} (pid ${before.pid}) with SIGKILL, as a crash or the OOM killer would; the launcher restarts it after 1 s, then 2, 4, ... 30 s if it keeps crashing`,
  );
  const gatewayOps = opsUrl(system.supervisor.get('gateway'), OPS_PATHS.metrics);
  await system.supervisor.crash(victim);
  const alone = replicas.length === 1;
  const edge = service === 'gateway';
  const others = `the other replica${replicas.length > 2 ? 's carry' : ' carries'} the load`;
  return {
    probe: () => probeService(system.gatewayUrl, system.plan.admin, service),
    watch: [
      `  Metric:    process_start_time_seconds at ${opsUrl(before, OPS_PATHS.metrics)} (the same port once it is back, if still free) jumps, and its counters start again from zero` +
        (alone && !edge
          ? `; at the gateway's ${gatewayOps}, http_server_request_duration_seconds_count{status_code="503"} rises while it is away`
          : ''),
      edge
        ? alone
          ? '  Web user:  the site does not answer at all (connection refused) until it is back'
          : `  Web user:  hardly anything: ${others}, and only the requests in flight on ${victim} fail`
        : alone
          ? `  Web user:  pages that need ${service} and are not cached say "try again" (503 with Retry-After) until it is back`
          : `  Web user:  nothing: ${others}, and reads that were in flight on ${victim} are retried there`,
    ],
    undo: async () => {
      // Ready once the supervisor has seen it pass its readiness check (readyAfterMs is set then).
      const restarted = () => {
        const now = system.supervisor.get(victim);
        return now && now.pid !== before.pid && now.readyAfterMs > 0 ? now : undefined;
      };
      await waitUntil(async () => restarted() !== undefined, RECOVERY_TIMEOUT_MS);
      const back = restarted();
      return back
        ? `${victim} is back: pid ${back.pid} (was ${before.pid}), ready in ${(back.readyAfterMs / 1000).toFixed(1)} s${await reachedAgain(context, service, token)}`
        : `${victim} is not back after ${RECOVERY_TIMEOUT_MS / 1000} s (see the launcher's terminal)`;
    },
  };
}
