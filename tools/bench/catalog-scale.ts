// p50/p99 of browse pages (first and deep keyset pages, several sorts and filters) and of
// searches (a word of a name, a cast member's name, a genre word, a word with a typo, a word of
// synopses) through the gateway at 10,000 and at 1,000,000 titles, same run, same machine.
// Needs a PostgreSQL server:
//   npx nx run-many -t build
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/catalog-scale.ts
// The databases kinema_bench_10k and kinema_bench_1m are loaded once (the 1M load takes minutes) and kept.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { OPS_PATHS } from '@kinema/contracts/supervision';
import { REPO_ROOT, runScript, Supervisor, type ProcessSpec } from '@kinema/dev-infra';
import { GATEWAY_UNCACHED } from './lib/bench-system';
import { median } from './lib/load';

/** How many pages of each search are read. */
const SEARCH_PAGES = 3;

const QUERIES = [
  'limit=20',
  'limit=20&sort=newest',
  'limit=20&sort=popular',
  'limit=20&genre=drama',
  'limit=20&type=movie&yearFrom=1990&yearTo=2010',
  'limit=20&maxMaturity=7%2B&sort=popular',
];

/** Searches as people type them, chosen from what a catalog holds (the same kinds at both sizes). */
async function searchQueries(databaseUrl: string): Promise<string[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const pick = async (sql: string) =>
      String(((await db.query(sql)).rows[0] as { value: string } | undefined)?.value ?? '');
    const castName = await pick(
      `SELECT person_name AS value FROM credits WHERE role = 'cast' ORDER BY title_id LIMIT 1`,
    );
    const nameWord = await pick(
      `SELECT w AS value FROM titles, regexp_split_to_table(lower(name), '\\s+') w
       WHERE length(w) >= 7 AND w ~ '^[a-z]+$' ORDER BY id LIMIT 1`,
    );
    // A word of a synopsis (the same few kinds of stories recur): many matches, none in a name.
    const synopsisWord = await pick(
      `SELECT w AS value FROM titles, regexp_split_to_table(lower(synopsis), '[^a-z]+') w
       WHERE length(w) >= 7 ORDER BY id, length(w) DESC, w LIMIT 1`,
    );
    // One letter changed in the middle of a word of a name: a typo.
    const at = Math.floor(nameWord.length / 2);
    const typo = `${nameWord.slice(0, at)}${nameWord[at] === 'e' ? 'a' : 'e'}${nameWord.slice(at + 1)}`;
    return [
      `q=${encodeURIComponent(nameWord.slice(0, 4))}`,
      `q=${encodeURIComponent(castName)}`,
      'q=comedy',
      `q=${encodeURIComponent(typo)}`,
      `q=${encodeURIComponent(synopsisWord)}`,
    ].map((query) => `limit=20&${query}`);
  } finally {
    await db.end();
  }
}

async function ensureLoaded(serverUrl: string, name: string, titles: number): Promise<string> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  process.stdout.write(`loading ${titles} titles into ${name} (skipped when already loaded)...\n`);
  const started = Date.now();
  execFileSync(
    process.execPath,
    [
      join(REPO_ROOT, 'apps/catalog/dist/demo/seed.cli.js'),
      '--database-url',
      url.toString(),
      '--titles',
      String(titles),
      '--bulk',
    ],
    {
      stdio: 'inherit',
    },
  );
  process.stdout.write(`  ready after ${((Date.now() - started) / 1000).toFixed(0)}s\n`);
  return url.toString();
}

async function startPair(
  supervisor: Supervisor,
  label: string,
  databaseUrl: string,
): Promise<string> {
  const node = (script: string) => [join(REPO_ROOT, script)];
  const catalog: ProcessSpec = {
    name: `catalog-${label}`,
    service: 'catalog',
    command: process.execPath,
    ports: { grpc: 0, ops: 0 },
    launch: () => ({
      args: node('apps/catalog/dist/main.js'),
      env: {
        LOG_LEVEL: 'error',
        GRPC_HOST: '127.0.0.1',
        GRPC_PORT: '0',
        OPS_HOST: '127.0.0.1',
        OPS_PORT: '0',
        DATABASE_URL: databaseUrl,
        KAFKA_BROKERS: '127.0.0.1:1',
      },
    }),
    ready: { kind: 'http', listener: 'ops', path: OPS_PATHS.readiness },
    readyTimeoutMs: 60_000,
    summary: () => '',
  };
  const gateway: ProcessSpec = {
    name: `gateway-${label}`,
    service: 'gateway',
    command: process.execPath,
    ports: { http: 0 },
    launch: (context) => ({
      args: node('apps/gateway/dist/main.js'),
      env: {
        LOG_LEVEL: 'error',
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: '0',
        // Two gateways run side by side: neither may take the default ops port.
        OPS_HOST: '127.0.0.1',
        OPS_PORT: '0',
        // The catalog and its database at scale are measured, not the gateway's cache (the warm-up
        // walk would fill it with exactly the pages measured).
        ...GATEWAY_UNCACHED,
        CATALOG_GRPC_TARGET: context.address(`catalog-${label}`, 'grpc'),
      },
    }),
    ready: { kind: 'http', listener: 'http', path: OPS_PATHS.readiness },
    readyTimeoutMs: 60_000,
    summary: () => '',
  };
  await supervisor.start(catalog);
  const running = await supervisor.start(gateway);
  return `http://127.0.0.1:${running.listeners.http}/api/v1`;
}

/** Latencies of every page of `pages`-deep walks for each query, after one warm-up walk. */
async function sample(api: string, pages: number, queries: readonly string[]): Promise<number[]> {
  const latencies: number[] = [];
  for (const warm of [true, false]) {
    for (const query of queries) {
      let cursor: string | null = null;
      for (let page = 0; page < pages; page++) {
        const started = process.hrtime.bigint();
        const response = await fetch(`${api}/titles?${query}${cursor ? `&cursor=${cursor}` : ''}`);
        const body = (await response.json()) as { nextCursor: string | null };
        if (!response.ok) throw new Error(`${query}: ${response.status}`);
        if (!warm) latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        cursor = body.nextCursor;
        if (!cursor) break;
      }
    }
  }
  return latencies;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      pages: { type: 'string', default: '30' },
      rounds: { type: 'string', default: '3' },
      large: { type: 'string', default: '1000000' },
    },
  });
  const serverUrl = process.env['DATABASE_URL'];
  if (!serverUrl)
    throw new Error('set DATABASE_URL to a PostgreSQL server (PGlite is not for a million rows)');
  const large = Number(values.large);
  const small = await ensureLoaded(serverUrl, 'kinema_bench_10k', 10_000);
  const big = await ensureLoaded(
    serverUrl,
    large === 1_000_000 ? 'kinema_bench_1m' : `kinema_bench_${large}`,
    large,
  );
  const supervisor = new Supervisor(() => undefined);
  try {
    const apiSmall = await startPair(supervisor, '10k', small);
    const apiBig = await startPair(supervisor, 'large', big);
    const searches = { small: await searchQueries(small), big: await searchQueries(big) };
    process.stdout.write(
      `searches: ${searches.small.join(' ')} (10k) | ${searches.big.join(' ')} (${large})\n`,
    );
    const results = { small: [] as number[], big: [] as number[] };
    const found = { small: [] as number[], big: [] as number[] };
    for (let round = 1; round <= Number(values.rounds); round++) {
      const s = await sample(apiSmall, Number(values.pages), QUERIES);
      const b = await sample(apiBig, Number(values.pages), QUERIES);
      results.small.push(...s);
      results.big.push(...b);
      // Search pages: relevance-ranked, so a person reads the first few.
      const fs = await sample(apiSmall, SEARCH_PAGES, searches.small);
      const fb = await sample(apiBig, SEARCH_PAGES, searches.big);
      found.small.push(...fs);
      found.big.push(...fb);
      process.stdout.write(
        `  round ${round}: 10k p50 ${median(s).toFixed(2)} ms | ${large} p50 ${median(b).toFixed(2)} ms` +
          ` | search 10k p50 ${median(fs).toFixed(2)} ms | ${large} p50 ${median(fb).toFixed(2)} ms\n`,
      );
    }
    const p50Small = median(results.small);
    const p50Big = median(results.big);
    process.stdout.write(
      `\nGET /api/v1/titles pages (${QUERIES.length} queries x ${values.pages} pages deep, ${results.small.length} requests each):\n` +
        `  10,000 titles:   p50 ${p50Small.toFixed(2)} ms  p99 ${percentile(results.small, 99).toFixed(2)} ms\n` +
        `  ${large.toLocaleString('en')} titles: p50 ${p50Big.toFixed(2)} ms  p99 ${percentile(results.big, 99).toFixed(2)} ms\n` +
        `  p50 ratio (large / 10k): ${(p50Big / p50Small).toFixed(2)}\n` +
        `\nGET /api/v1/titles?q= searches (${searches.big.length} kinds x ${SEARCH_PAGES} pages, ${found.small.length} requests each):\n` +
        `  10,000 titles:   p50 ${median(found.small).toFixed(2)} ms  p99 ${percentile(found.small, 99).toFixed(2)} ms\n` +
        `  ${large.toLocaleString('en')} titles: p50 ${median(found.big).toFixed(2)} ms  p99 ${percentile(found.big, 99).toFixed(2)} ms\n` +
        `  p50 ratio (large / 10k): ${(median(found.big) / median(found.small)).toFixed(2)}\n`,
    );
  } finally {
    await supervisor.stopAll();
  }
}

runScript(main);
