// End-to-end latency from a title update to the WebSocket notification (p50/p99 over N updates),
// and GET /browse req/s through a gateway with the catalog cache beside one without, same run.
//   npx nx run-many -t build && npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/realtime.ts [--updates 1000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { gatewayEventsJoined, runScript, startSystem } from '@kinema/dev-infra';
import { GATEWAY_UNCACHED, startSecondGateway } from './lib/bench-system';
import { compare, load, summarize } from './lib/load';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      updates: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '3' },
    },
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'kinema-bench-rt-'));
  const system = await startSystem({
    dataDir,
    ephemeralPorts: true,
    demoTitles: 200,
    logLevel: 'warn',
    env: {
      ...process.env,
      KAFKA_BROKERS: '',
      S3_ENDPOINT: '',
      DATABASE_NAME_PREFIX: 'kinema_bench_rt',
      RATE_LIMIT_REQUESTS: '10000000',
    },
    sink: () => undefined,
  });
  try {
    const api = `${system.gatewayUrl}/api/v1`;
    const login = (await (
      await fetch(`${api}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(system.plan.admin),
      })
    ).json()) as { tokens: { accessToken: string } };
    const headers = {
      authorization: `Bearer ${login.tokens.accessToken}`,
      'content-type': 'application/json',
    };
    const created = (await (
      await fetch(`${api}/titles`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          slug: 'latency',
          type: 'movie',
          name: 'Latency',
          releaseYear: 2024,
          maturityRating: 'all',
          genres: ['drama'],
          availability: 'published',
        }),
      })
    ).json()) as { id: string };

    const socket = new WebSocket(`${system.gatewayUrl.replace('http', 'ws')}/ws`);
    const arrivals = new Map<string, number>();
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { type: string; title?: { name: string } };
      if (message.type === 'title.updated' && message.title)
        arrivals.set(message.title.name, performance.now());
    });
    await new Promise((done) => socket.once('open', done));
    // Wait until this replica's consumers have joined (readiness reports it), then warm up.
    await gatewayEventsJoined(system.gatewayUrl);
    const fromSent: number[] = [];
    const fromCommitted: number[] = [];
    const updates = Number(values.updates);
    for (let i = -20; i < updates; i++) {
      const name = `Latency ${i}`;
      const sent = performance.now();
      const answer = await fetch(`${api}/titles/${created.id}`, {
        method: 'PATCH',
        headers,
        body: JSON.stringify({ name }),
      });
      const committed = performance.now();
      if (!answer.ok) throw new Error(`PATCH answered ${answer.status}`);
      while (!arrivals.has(name)) await new Promise((done) => setImmediate(done));
      const arrived = arrivals.get(name) ?? committed;
      if (i >= 0) {
        fromSent.push(arrived - sent);
        fromCommitted.push(Math.max(0, arrived - committed));
      }
    }
    socket.close();
    process.stdout.write(
      `title update -> WebSocket notification over ${updates} updates (after 20 warm-up):\n` +
        `  from the PATCH being sent:     p50 ${percentile(fromSent, 50).toFixed(1)} ms  p99 ${percentile(fromSent, 99).toFixed(1)} ms\n` +
        `  from the PATCH's 200 (commit): p50 ${percentile(fromCommitted, 50).toFixed(1)} ms  p99 ${percentile(fromCommitted, 99).toFixed(1)} ms\n\n`,
    );

    // A second gateway on the same services with the cache off.
    const uncached = await startSecondGateway(system, 'gateway-uncached', {
      env: GATEWAY_UNCACHED,
    });
    const port = uncached.listeners.http;
    const opts = { seconds: Number(values.seconds), connections: 32 };
    process.stdout.write(`GET /api/v1/browse, 32 connections, ${values.seconds}s per run\n`);
    const results = await compare(Number(values.rounds), [
      {
        label: 'gateway, cache off',
        run: () => load('gateway, cache off', `http://127.0.0.1:${port}/api/v1/browse`, opts),
      },
      { label: 'gateway, cache on', run: () => load('gateway, cache on', `${api}/browse`, opts) },
    ]);
    summarize(results, 'gateway, cache off');
  } finally {
    await system.supervisor.stop('gateway-uncached');
    await system.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runScript(main);
