// The memory of the whole demo: starts the launcher as `npm start -- --reset` does (its built CLI,
// a fresh data directory, every port picked by the OS), then prints the RSS of every process it
// runs (the launcher, the stand-ins, the services) at the banner and after each of three load
// rounds, right after the load and again once idle for --settle-seconds, with the totals of their
// RSS and of their PSS (shared pages counted once), how long after the banner the web app's home
// page and /api/v1/browse with rows answer, and the CPU each process used in the 30 s after the
// banner (work nobody asked for shows there).
// Usage: npx nx run-many -t build && npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/demo-memory.ts
//   [--seconds 5] [--rounds 3] [--quiet-seconds 30] [--settle-seconds 30]
// A round: cached titles and browse rows anonymous and signed in (a viewer's token and profile, as
// the web app sends them), titles pages of a million queries that each come once or so (as
// watch-load asks for them, gzip taken: what fills the gateway's catalog cache), and the demo clip
// played whole and by range. The per-client rate limits one load generator would hit are lifted;
// nothing else differs from `npm start`.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { runScript, uncachedCatalogPath } from '@kinema/dev-infra';
import { anonMiB, cpuMs, pssMiB, registerViewer, rssMiB } from './lib/bench-system';
import { load } from './lib/load';

const ROOT = resolve(__dirname, '../..');
const PORT_VARIABLES = [
  'GATEWAY_PORT',
  'GATEWAY_OPS_PORT',
  'KAFKA_PORT',
  'S3_PORT',
  'OTLP_PORT',
  ...['CATALOG', 'USERS', 'VIDEOS'].flatMap((s) => [
    `${s}_PGLITE_PORT`,
    `${s}_GRPC_PORT`,
    `${s}_OPS_PORT`,
  ]),
];

/** The process ids below `root` (children, their children, ...), read from /proc. */
function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process ended while the list was read.
    }
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(root);
  return found;
}

/**
 * A process's name as the launcher knows it: POD_NAME, else what its script and data say. A
 * process a service starts inherits its POD_NAME, and is named after both (`videos:
 * artwork-image.worker`).
 */
function processName(pid: number): string {
  const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const script = args.find((arg) => arg.endsWith('.js')) ?? args[0] ?? '?';
  const pod = environ.find((line) => line.startsWith('POD_NAME='))?.slice('POD_NAME='.length);
  if (pod) return basename(script) === 'main.js' ? pod : `${pod}: ${basename(script, '.js')}`;
  const standIn = /dev-infra\/dist\/([a-z0-9-]+)\/[a-z-]+\.js$/.exec(script)?.[1];
  if (standIn === 'postgres') return `pglite${args.includes('--init-only') ? ' (initdb)' : ''}`;
  return standIn ?? basename(script);
}

interface Sample {
  rss: Map<string, number>;
  anon: Map<string, number>;
  pss: Map<string, number>;
  cpu: Map<string, number>;
}

function sample(launcher: number): Sample {
  const result: Sample = { rss: new Map(), anon: new Map(), pss: new Map(), cpu: new Map() };
  for (const pid of [launcher, ...descendants(launcher)]) {
    try {
      const name = pid === launcher ? 'launcher' : processName(pid);
      result.rss.set(name, rssMiB(pid));
      result.anon.set(name, anonMiB(pid));
      result.pss.set(name, pssMiB(pid));
      result.cpu.set(name, cpuMs(pid));
    } catch {
      // Gone between the listing and the read (a short-lived helper).
    }
  }
  return result;
}

/** Polls `check` until it holds, answering the seconds it took. */
async function secondsUntil(since: number, check: () => Promise<boolean>): Promise<number> {
  for (;;) {
    if (await check().catch(() => false)) return (Date.now() - since) / 1000;
    await delay(100);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      'quiet-seconds': { type: 'string', default: '30' },
      'settle-seconds': { type: 'string', default: '30' },
    },
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'kinema-demo-memory-'));
  const launcher = spawn(
    process.execPath,
    [join(ROOT, 'libs/dev-infra/dist/launcher/cli.js'), '--reset', '--data-dir', dataDir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        ...Object.fromEntries(PORT_VARIABLES.map((variable) => [variable, '0'])),
        RATE_LIMIT_AUTH_PER_IP: '1000000',
        RATE_LIMIT_AUTH_PER_EMAIL: '1000000',
        RATE_LIMIT_AUTH_PER_EMAIL_ALL_SOURCES: '1000000',
        RATE_LIMIT_REQUESTS: '10000000',
        NO_COLOR: '1',
      },
    },
  );
  const pid = launcher.pid ?? -1;
  const startedAt = Date.now();
  let output = '';
  launcher.stdout.setEncoding('utf8');
  const banner = new Promise<number>((resolveBanner, reject) => {
    launcher.stdout.on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('Press Ctrl-C to stop everything.')) resolveBanner(Date.now());
    });
    launcher.once('exit', (code) => reject(new Error(`the launcher exited (${code}):\n${output}`)));
  });
  const table: Array<[string, Sample]> = [];
  try {
    const bannerAt = await banner;
    table.push(['banner', sample(pid)]);
    const gateway = /Web:\s+(http:\/\/localhost:\d+)\//.exec(output)?.[1];
    const watch = /Watch:\s+(http\S+)/.exec(output)?.[1];
    if (!gateway || !watch) throw new Error(`no gateway or watch URL in the banner:\n${output}`);
    const api = `${gateway}/api/v1`;
    const [home, browse] = await Promise.all([
      secondsUntil(bannerAt, async () => (await fetch(`${gateway}/`)).status === 200),
      secondsUntil(bannerAt, async () => {
        const response = await fetch(`${api}/browse`);
        const body = (await response.json()) as { rows?: unknown[] };
        return response.status === 200 && (body.rows?.length ?? 0) > 0;
      }),
    ]);
    const quiet = Number(values['quiet-seconds']);
    await delay(Math.max(0, bannerAt + quiet * 1000 - Date.now()));
    table.push([`banner + ${quiet} s`, sample(pid)]);
    const [atBanner, afterQuiet] = [table[0][1], table[1][1]];

    const viewer = await registerViewer(gateway);
    const opts = { seconds: Number(values.seconds), connections: 16 };
    for (let round = 1; round <= Number(values.rounds); round += 1) {
      for (const [label, url, headers, paths] of [
        ['titles, anonymous', `${api}/titles?limit=20`, {}],
        ['browse, anonymous', `${api}/browse`, {}],
        ['titles, signed in', `${api}/titles?limit=20`, viewer],
        ['browse, signed in', `${api}/browse`, viewer],
        ['titles, any page', gateway, { 'accept-encoding': 'gzip' }, uncachedCatalogPath],
        ['video, whole', watch, {}],
        ['video, range', watch, { range: 'bytes=1000-200000' }],
      ] as const) {
        const result = await load(label, url, { ...opts, headers, ...(paths ? { paths } : {}) });
        process.stdout.write(
          `  round ${round} ${label.padEnd(18)} ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s${result.non2xx ? `  (${result.non2xx} non-2xx/errors!)` : ''}\n`,
        );
      }
      table.push([`after round ${round}`, sample(pid)]);
      // Right after a load, each V8 heap is wherever its collections left it (users moved between
      // 116 and 142 MiB within one round); once idle, V8 collects and the RSS that stays is what
      // the process keeps.
      const settle = Number(values['settle-seconds']);
      if (settle > 0) {
        await delay(settle * 1000);
        table.push([`round ${round} + ${settle} s`, sample(pid)]);
      }
    }

    const names = [...new Set(table.flatMap(([, s]) => [...s.rss.keys()]))];
    const nameWidth = Math.max(18, ...names.map((name) => name.length + 2));
    process.stdout.write(
      `\nbanner ${((bannerAt - startedAt) / 1000).toFixed(1)} s after start; home page 200 ${home.toFixed(1)} s ` +
        `and /browse with rows ${browse.toFixed(1)} s after the banner\n\nRSS MiB (anonymous):\n` +
        `  ${'process'.padEnd(nameWidth)}${table.map(([label]) => label.padStart(16)).join('')}` +
        `  CPU in the ${quiet} s after the banner\n`,
    );
    const cell = (s: Sample, name: string) =>
      s.rss.has(name) ? `${s.rss.get(name)} (${s.anon.get(name)})` : '-';
    for (const name of names) {
      const [before, after] = [atBanner.cpu.get(name), afterQuiet.cpu.get(name)];
      // A process that did not run through the quiet time (the artwork worker ends a second after
      // its last upload) has no share of it to show.
      const share =
        before === undefined || after === undefined
          ? '-'
          : `${(((after - before) / (quiet * 1000)) * 100).toFixed(1)}% of a core`;
      process.stdout.write(
        `  ${name.padEnd(nameWidth)}${table.map(([, s]) => cell(s, name).padStart(16)).join('')}` +
          `  ${share.padStart(16)}\n`,
      );
    }
    const total = (values: Map<string, number>) => [...values.values()].reduce((a, b) => a + b, 0);
    for (const [label, of] of [
      ['total RSS', (s: Sample) => s.rss],
      ['total PSS', (s: Sample) => s.pss],
    ] as const) {
      process.stdout.write(
        `  ${label.padEnd(nameWidth)}${table.map(([, s]) => String(total(of(s))).padStart(16)).join('')}\n`,
      );
    }
  } finally {
    launcher.kill('SIGINT');
    if (launcher.exitCode === null) await once(launcher, 'exit');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runScript(main);
