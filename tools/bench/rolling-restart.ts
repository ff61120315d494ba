// What scaling and restarts cost the people using Kinema: starts the system with
// catalog=3,users=2,videos=2,gateway=2, puts steady load on it (uncached catalog reads, signed-in
// reads, admin writes with If-Match), then hangs a catalog replica (SIGSTOP for --hang-seconds,
// then SIGCONT), SIGKILLs one, rolling-restarts each service and scales the catalog 3 -> 5 -> 2,
// printing for each step the requests sent, failures, latency against the steady state, and how
// the catalog calls spread over the replicas. --faults-only stops after the hang and the crash.
// Before the faults, under the same load, it measures cross-replica staleness: how long after a
// write through one gateway the other still serves the old title (--staleness-probes of them).
// Usage: npx nx run-many -t build && npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/rolling-restart.ts [--seconds 8] [--hang-seconds 20] [--staleness-probes 100] [--faults-only]
// Set DATABASE_URL to use a PostgreSQL server instead of PGlite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  crossReplicaStaleness,
  failures,
  ONE_EACH,
  parseScale,
  percentile,
  runScript,
  spread,
  startSystem,
  SteadyLoad,
  type RunningSystem,
  type Sample,
  type Worker,
} from '@kinema/dev-infra';

interface Step {
  name: string;
  samples: Sample[];
  /** Seconds from the step's command to the first answer of a replica it started. */
  firstServedAfter?: number;
}

async function json<T>(response: Response): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status} ${text}`);
  return JSON.parse(text) as T;
}

async function signIn(api: string, email: string, password: string): Promise<string> {
  const answer = await json<{ tokens: { accessToken: string } }>(
    await fetch(`${api}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    }),
  );
  return answer.tokens.accessToken;
}

/** A viewer with a profile, three titles on My List and one in progress. */
async function viewer(api: string, titles: string[], index: number) {
  const email = `bench-${Date.now()}-${index}@example.com`;
  const password = `bench-password-${index}`;
  const registered = await json<{ tokens: { accessToken: string }; profile: { id: string } }>(
    await fetch(`${api}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    }),
  );
  const headers = { authorization: `Bearer ${registered.tokens.accessToken}` };
  const profile = registered.profile.id;
  for (const title of titles.slice(index, index + 3)) {
    await fetch(`${api}/me/profiles/${profile}/list/${title}`, { method: 'PUT', headers });
  }
  await fetch(`${api}/me/profiles/${profile}/progress/${titles[index] ?? ''}`, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ positionSeconds: 600, durationSeconds: 3600 }),
  });
  return { headers, profile };
}

interface WriterLedger {
  titleId: string;
  versionBefore: number;
  /** Names the server applied (acknowledged, or proved applied by a 412 on the retry). */
  applied: string[];
  /**
   * Names whose retry did not tell either (a second 503/504): a replica that hung with the write
   * may still apply it once it runs again. Each is applied at most once (If-Match).
   */
  unknown: string[];
}

/**
 * Renames its own title again and again with If-Match. After a 503 or 504 it retries once with the
 * same If-Match, as a client should: 200 means the first try was not applied, 412 that it was.
 */
function writer(
  load: SteadyLoad,
  api: string,
  admin: Record<string, string>,
  ledger: WriterLedger,
): Worker {
  let etag: string | null = null;
  let sequence = 0;
  return async () => {
    const samples: Sample[] = [];
    if (!etag) {
      const read = await load.request('admin read', `${api}/titles/${ledger.titleId}`, {
        headers: admin,
      });
      samples.push(read);
      if (read.status !== 200) return samples;
      etag = `"${(JSON.parse(read.body) as { version: number }).version}"`;
    }
    const name = `Written ${++sequence}`;
    const patch = () =>
      load.request('admin write', `${api}/titles/${ledger.titleId}`, {
        method: 'PATCH',
        headers: {
          ...admin,
          'content-type': 'application/merge-patch+json',
          'if-match': etag ?? '',
        },
        body: JSON.stringify({ name }),
      });
    let answer = await patch();
    samples.push(answer);
    // 503: not applied, or in flight on a replica that died; 504: its outcome is unknown (a hung
    // replica may apply it once it runs again). The same If-Match tells: 412 if it was applied.
    if (answer.status === 503 || answer.status === 504 || answer.status === 0) {
      const waitSeconds = Number(answer.retryAfter ?? '1') || 1;
      await new Promise((resolve) => setTimeout(resolve, waitSeconds * 1000));
      answer = await patch();
      samples.push({ ...answer, kind: 'admin write retry' });
      if (answer.status === 412) {
        ledger.applied.push(name);
        etag = null;
        return samples;
      }
    }
    if (answer.status === 200) {
      ledger.applied.push(name);
      etag = `"${(JSON.parse(answer.body) as { version: number }).version}"`;
    } else {
      if (answer.status === 0 || answer.status >= 500) ledger.unknown.push(name);
      etag = null;
    }
    return samples;
  };
}

function report(step: Step, steady: Step): string {
  const reads = step.samples.filter((s) => s.kind === 'catalog read');
  const steadyReads = steady.samples.filter((s) => s.kind === 'catalog read');
  const writes = step.samples.filter((s) => s.kind === 'admin write');
  const failedReads = failures(step.samples.filter((s) => !s.kind.startsWith('admin')));
  const failedWrites = failures(writes);
  const shares = [...spread(reads, 'catalog')]
    .map(([name, share]) => `${name} ${(share * 100).toFixed(0)}%`)
    .join(', ');
  const ms = (values: Sample[], p: number) =>
    percentile(
      values.map((s) => s.ms),
      p,
    ).toFixed(1);
  return [
    `${step.name}`,
    `  requests ${step.samples.length}; failed reads ${failedReads.length}; failed writes ${failedWrites.length}` +
      (failedWrites.length
        ? ` (${failedWrites.map((s) => `${s.status}${s.retryAfter ? ` Retry-After ${s.retryAfter}` : ''}`).join(', ')})`
        : ''),
    `  catalog reads p50 ${ms(reads, 50)} ms, p99 ${ms(reads, 99)} ms (steady ${ms(steadyReads, 50)} / ${ms(steadyReads, 99)} ms)`,
    `  catalog spread: ${shares || '-'}` +
      (step.firstServedAfter !== undefined
        ? `; the new replica answered ${step.firstServedAfter.toFixed(1)} s after the command`
        : ''),
    ...failedReads.slice(0, 5).map((s) => `  failed: ${s.kind} ${s.status} ${s.error ?? ''}`),
  ].join('\n');
}

async function timed(
  load: SteadyLoad,
  name: string,
  action: () => Promise<void>,
  settleSeconds: number,
  newReplica?: string,
): Promise<Step> {
  const mark = load.mark();
  const startedAt = load.now();
  await action();
  await new Promise((resolve) => setTimeout(resolve, settleSeconds * 1000));
  const samples = load.since(mark);
  const first = newReplica
    ? samples.find((s) => s.servedBy.includes(newReplica) && s.at >= startedAt)
    : undefined;
  return {
    name,
    samples,
    ...(first ? { firstServedAfter: (first.at + first.ms - startedAt) / 1000 } : {}),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '8' },
      'hang-seconds': { type: 'string', default: '20' },
      'faults-only': { type: 'boolean', default: false },
      'staleness-probes': { type: 'string', default: '100' },
    },
  });
  const settle = Number(values.seconds);
  const hangSeconds = Number(values['hang-seconds']);
  const dataDir = mkdtempSync(join(tmpdir(), 'kinema-rolling-'));
  const system: RunningSystem = await startSystem({
    dataDir,
    ephemeralPorts: true,
    demoTitles: 500,
    logLevel: 'warn',
    scale: parseScale('catalog=3,users=2,videos=2,gateway=2', ONE_EACH),
    // One load generator on one address: lift the per-client limit, or it would measure 429s.
    env: {
      ...process.env,
      KAFKA_BROKERS: '',
      S3_ENDPOINT: '',
      DATABASE_NAME_PREFIX: `kinema_rolling_${Date.now().toString(36)}`,
      RATE_LIMIT_REQUESTS: '10000000',
      RATE_LIMIT_AUTH_PER_IP: '100000',
    },
    sink: (name, line) => {
      if (/"level":"(error|fatal)"/.test(line)) process.stderr.write(`${name} | ${line}\n`);
    },
  });
  const api = `${system.gatewayUrl}/api/v1`;
  try {
    const adminToken = await signIn(api, system.plan.admin.email, system.plan.admin.password);
    const admin = { authorization: `Bearer ${adminToken}` };
    const page = await json<{ items: Array<{ id: string }> }>(
      await fetch(`${api}/titles?limit=50`),
    );
    const titles = page.items.map((item) => item.id);
    const viewers = await Promise.all([0, 1, 2].map((i) => viewer(api, titles, i)));
    const ledgers: WriterLedger[] = [];
    for (const titleId of titles.slice(40, 42)) {
      const before = await json<{ version: number }>(
        await fetch(`${api}/titles/${titleId}`, { headers: admin }),
      );
      ledgers.push({ titleId, versionBefore: before.version, applied: [], unknown: [] });
    }

    const load = new SteadyLoad();
    const reader: Worker = async () => {
      // Never the same page twice in a run: the gateway's cache must not hide the back end.
      const from = 1950 + Math.floor(Math.random() * 60);
      const url = `${api}/titles?limit=${1 + Math.floor(Math.random() * 30)}&yearFrom=${from}&yearTo=${from + Math.floor(Math.random() * 20)}`;
      return [await load.request('catalog read', url)];
    };
    const signedIn = ({ headers, profile }: (typeof viewers)[number]): Worker => {
      let flip = false;
      return async () => {
        flip = !flip;
        const path = flip ? 'list' : 'continue-watching';
        return [
          await load.request(`signed-in ${path}`, `${api}/me/profiles/${profile}/${path}`, {
            headers,
          }),
        ];
      };
    };
    const workers: Worker[] = [
      ...Array.from({ length: 6 }, () => reader),
      ...viewers.map(signedIn),
      ...ledgers.map((ledger) => writer(load, api, admin, ledger)),
    ];
    load.start(workers);

    const steady = await timed(load, 'steady state', async () => undefined, settle);
    const steps: Step[] = [steady];
    const staleness = await crossReplicaStaleness(system.gatewayUrl, {
      titleId: titles[45] ?? '',
      admin,
      probes: Number(values['staleness-probes']),
    });
    // A hung replica keeps its sockets open and answers nothing: the step is the hang itself.
    steps.push(
      await timed(
        load,
        `SIGSTOP catalog-2 for ${hangSeconds} s (hung)`,
        async () => {
          system.supervisor.freeze('catalog-2');
        },
        hangSeconds,
      ),
    );
    steps.push(
      await timed(
        load,
        'SIGCONT catalog-2 (thawed)',
        async () => {
          system.supervisor.thaw('catalog-2');
        },
        settle,
        'catalog-2',
      ),
    );
    const victim = system.supervisor.get('catalog-3');
    steps.push(
      await timed(
        load,
        'SIGKILL catalog-3 (restarted by the launcher)',
        async () => {
          if (victim) process.kill(victim.pid, 'SIGKILL');
        },
        settle,
        'catalog-3',
      ),
    );
    if (!values['faults-only']) {
      for (const service of ['catalog', 'users', 'videos', 'gateway'] as const) {
        steps.push(
          await timed(
            load,
            `rolling restart of ${service}`,
            () => system.fleet.restart(service),
            settle,
          ),
        );
      }
      steps.push(
        await timed(
          load,
          'scale catalog 3 -> 5',
          () => system.fleet.scale('catalog', 5),
          settle,
          'catalog-5',
        ),
      );
      steps.push(
        await timed(load, 'scale catalog 5 -> 2', () => system.fleet.scale('catalog', 2), settle),
      );
    }
    await load.stop();
    for (const step of steps) process.stdout.write(`${report(step, steady)}\n`);
    process.stdout.write(
      `cross-replica staleness under this load, ${staleness.delaysMs.length} writes: the other gateway stopped ` +
        `answering the old title after p50 ${staleness.p50.toFixed(1)} ms, p99 ${staleness.p99.toFixed(1)} ms, ` +
        `max ${staleness.max.toFixed(1)} ms; its first read showing the change ended after p50 ` +
        `${percentile(staleness.visibleMs, 50).toFixed(1)} ms, p99 ${percentile(staleness.visibleMs, 99).toFixed(1)} ms; ` +
        `not seen within 5 s: ${staleness.unseen}\n`,
    );

    // Every acknowledged write is there, none twice: the version counts the applied ones, plus at
    // most each write whose outcome stayed unknown.
    for (const ledger of ledgers) {
      const final = await json<{ name: string; version: number }>(
        await fetch(`${api}/titles/${ledger.titleId}`, { headers: admin }),
      );
      const extra = final.version - ledger.versionBefore - ledger.applied.length;
      const last = [...ledger.applied, ...ledger.unknown];
      const ok =
        extra >= 0 &&
        extra <= ledger.unknown.length &&
        (ledger.applied.length === 0 || last.includes(final.name));
      process.stdout.write(
        `writes to ${ledger.titleId}: ${ledger.applied.length} applied, ${ledger.unknown.length} of unknown outcome ` +
          `(${extra} of them applied), version ${ledger.versionBefore} -> ${final.version}: ` +
          `${ok ? 'none lost, none applied twice' : 'MISMATCH'}\n`,
      );
    }
  } finally {
    await system.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runScript(main);
