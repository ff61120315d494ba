// RSS of each Kinema service process (gateway, catalog, users, videos) when the system is ready,
// once the gateway's event consumers have joined (its invalidation thread's heap grows as it
// joins), right after a load run that reaches every service, and after it has settled again.
// Usage: npx nx run-many -t build && npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/service-memory.ts
//   [--seconds 5] [--settle-seconds 15]
// The load: cached and uncached (a second gateway, CATALOG_CACHE_TTL_MS=0) title pages and browse
// rows, sign-ins and authenticated reads, and a video played back whole and by range.
// Set DATABASE_URL to use a PostgreSQL server instead of PGlite (databases kinema_bench_*).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import {
  DEV_ADMIN_EMAIL,
  DEV_ADMIN_PASSWORD,
  gatewayEventsJoined,
  runScript,
} from '@kinema/dev-infra';
import {
  GATEWAY_UNCACHED,
  anonMiB,
  registerViewer,
  rssMiB,
  startBenchSystem,
  startSecondGateway,
} from './lib/bench-system';
import { load } from './lib/load';

const SERVICES = ['gateway', 'catalog', 'users', 'videos'] as const;
const CLIP = readFileSync(resolve(__dirname, '../media/samples/bars-faststart.mp4'));

async function json<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok)
    throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

async function signIn(api: string, email: string, password: string): Promise<string> {
  const body = JSON.stringify({ email, password });
  const { tokens } = await json<{ tokens: { accessToken: string } }>(`${api}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  return tokens.accessToken;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '5' },
      'settle-seconds': { type: 'string', default: '15' },
    },
  });
  const seconds = Number(values.seconds);
  const system = await startBenchSystem();
  const table: Array<[string, string[]]> = [];
  const sample = (label: string) =>
    table.push([
      label,
      SERVICES.map((name) => {
        const pid = system.supervisor.get(name)?.pid ?? -1;
        return `${rssMiB(pid)} (${anonMiB(pid)})`;
      }),
    ]);
  try {
    sample('ready');
    await gatewayEventsJoined(system.gatewayUrl);
    sample('events joined');
    const api = `${system.gatewayUrl}/api/v1`;
    const uncached = await startSecondGateway(system, 'gateway-uncached', {
      env: GATEWAY_UNCACHED,
    });
    const uncachedApi = `http://127.0.0.1:${uncached.listeners.http}/api/v1`;

    const viewer = { email: 'memory@example.com', password: 'memory-bench-password' };
    const viewerHeaders = await registerViewer(system.gatewayUrl, viewer);
    const admin = await signIn(api, DEV_ADMIN_EMAIL, DEV_ADMIN_PASSWORD);
    const { items } = await json<{ items: Array<{ id: string }> }>(`${api}/titles?limit=1`);
    const title = items[0]?.id;
    if (!title) throw new Error('the demo catalog is empty');
    await json(`${api}/titles/${title}/video`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'video/mp4' },
      body: CLIP,
    });
    const opts = { seconds, connections: 16 };
    const runs = [
      () => load('titles, cached', `${api}/titles?limit=20`, opts),
      () => load('titles, uncached', `${uncachedApi}/titles?limit=20`, opts),
      () => load('browse, uncached', `${uncachedApi}/browse`, opts),
      () =>
        load('titles, signed in', `${api}/titles?limit=20`, { ...opts, headers: viewerHeaders }),
      () =>
        load('sign-in', `${api}/auth/login`, {
          seconds,
          connections: 4,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(viewer),
        }),
      () =>
        load('video, whole', `${api}/titles/${title}/stream`, { ...opts, headers: viewerHeaders }),
      () =>
        load('video, range', `${api}/titles/${title}/stream`, {
          ...opts,
          headers: { ...viewerHeaders, range: 'bytes=1000-200000' },
        }),
    ];
    for (const run of runs) {
      const result = await run();
      process.stdout.write(
        `  ${result.label.padEnd(18)} ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s${result.non2xx ? `  (${result.non2xx} non-2xx/errors!)` : ''}\n`,
      );
    }
    sample('after the load');
    await system.supervisor.stop('gateway-uncached');
    // Idle means idle: nothing is sent while the processes settle.
    await delay(Number(values['settle-seconds']) * 1000);
    sample(`${values['settle-seconds']} s later`);
  } finally {
    await system.stop();
  }
  process.stdout.write(
    `\nRSS (anonymous) in MiB (${process.env['DATABASE_URL'] ? 'PostgreSQL server' : 'PGlite'}):\n` +
      `  ${''.padEnd(16)}${SERVICES.map((name) => name.padStart(11)).join('')}\n`,
  );
  for (const [label, rss] of table)
    process.stdout.write(`  ${label.padEnd(16)}${rss.map((v) => v.padStart(11)).join('')}\n`);
}

runScript(main);
