// Video playback through the gateway beside a direct GET of the same object from the S3 server,
// in alternating rounds of one run: full-file and 1 MiB ranged GETs under load, then a seeking
// player (--seeks random 64 KiB ranges, one at a time, on a kept-alive connection; p50 latency).
// Then a --big-mib upload through the gateway beside the S3 server's own multipart upload (SDK
// Upload, 8 MiB parts, 4 in flight) of the same bytes, and its download through the gateway, with
// the RSS of the gateway and videos processes before, at the peak and after each.
// Usage: npx nx run-many -t build && npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/videos.ts
//   [--seconds 8] [--rounds 2] [--connections 8] [--file-mib 8] [--seeks 200] [--big-mib 1024]
//   [--upload-rounds 2]   (--big-mib 0 skips the upload and download, --seeks 0 the seeking player)
//   [--every-trace]
// The services trace and log as deployed (the chart's sampler and LOG_LEVEL=info, as in
// gateway-titles.ts); --every-trace keeps every trace as `npm start` does for `kinema trace`,
// LOG_LEVEL=warn in front logs as `npm start` shows a terminal.
import { DeleteObjectCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import {
  paddedMp4,
  paddedMp4Size,
  runScript,
  S3_BUCKET,
  type RunningSystem,
} from '@kinema/dev-infra';
import { asDeployed, benchS3Client, rssBytes, startBenchSystem } from './lib/bench-system';
import { compare, load, median, withLoadCpu, type LoadResult } from './lib/load';

const CLIP = readFileSync(resolve(__dirname, '../media/samples/bars-faststart.mp4'));

/** RSS of a process before `work`, at its peak during it (sampled every 50 ms), and after. */
type RssTrace = [before: number, peak: number, after: number];

/** Runs `work` while sampling the RSS of the gateway and videos processes. */
async function traceRss(
  system: RunningSystem,
  work: () => Promise<void>,
): Promise<Record<string, RssTrace>> {
  const pids = {
    gateway: system.supervisor.get('gateway')?.pid ?? -1,
    videos: system.supervisor.get('videos')?.pid ?? -1,
  };
  const traces: Record<string, RssTrace> = {};
  for (const [name, pid] of Object.entries(pids)) traces[name] = [rssBytes(pid), rssBytes(pid), 0];
  const timer = setInterval(() => {
    for (const [name, pid] of Object.entries(pids))
      traces[name][1] = Math.max(traces[name][1], rssBytes(pid));
  }, 50);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  for (const [name, pid] of Object.entries(pids)) traces[name][2] = rssBytes(pid);
  return traces;
}

/** Milliseconds of each GET of a random `bytes`-long range, one after another on one connection. */
async function seek(url: string, size: number, bytes: number, count: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const start = Math.floor(Math.random() * (size - bytes));
      const started = process.hrtime.bigint();
      const got = await new Promise<number>((done, fail) => {
        const req = httpRequest(url, {
          agent,
          headers: { range: `bytes=${start}-${start + bytes - 1}` },
        });
        req.on('response', (res) => {
          let length = 0;
          res.on('data', (chunk: Buffer) => (length += chunk.length));
          res.on('end', () =>
            res.statusCode === 206 ? done(length) : fail(new Error(`${res.statusCode}`)),
          );
        });
        req.on('error', fail);
        req.end();
      });
      if (got !== bytes) throw new Error(`a seek got ${got} of ${bytes} bytes`);
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  } finally {
    agent.destroy();
  }
  return times;
}

async function json<T>(url: string, init: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok)
    throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

/** POSTs a padded MP4 of `paddingBytes` with back-pressure; resolves with the video id. */
function uploadPadded(url: string, token: string, paddingBytes: number): Promise<string> {
  return new Promise((done, fail) => {
    const size = paddedMp4Size(CLIP, paddingBytes);
    const req = httpRequest(url, {
      method: 'POST',
      agent: false,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'video/mp4',
        'content-length': size,
      },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () =>
        res.statusCode === 201
          ? done((JSON.parse(body) as { id: string }).id)
          : fail(new Error(`${res.statusCode} ${body}`)),
      );
    });
    req.on('error', fail);
    const chunks = paddedMp4(CLIP, paddingBytes);
    const pump = () => {
      for (let next = chunks.next(); !next.done; next = chunks.next()) {
        if (!req.write(next.value)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

/** GETs a URL and discards the body; resolves with the byte count. */
async function drain(url: string): Promise<number> {
  const response = await fetch(url);
  let bytes = 0;
  for await (const chunk of response.body ?? []) bytes += (chunk as Uint8Array).length;
  return bytes;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '2' },
      connections: { type: 'string', default: '8' },
      'file-mib': { type: 'string', default: '8' },
      seeks: { type: 'string', default: '200' },
      'big-mib': { type: 'string', default: '1024' },
      'upload-rounds': { type: 'string', default: '2' },
      'every-trace': { type: 'boolean', default: false },
    },
  });
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const { env, logLevel, traces } = asDeployed(values['every-trace']);
  const system = await startBenchSystem({ demoTitles: 20, standIns: true, env, logLevel });
  const api = `${system.gatewayUrl}/api/v1`;
  const s3 = benchS3Client(system);
  try {
    const admin = await json<{ tokens: { accessToken: string } }>(`${api}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(system.plan.admin),
    });
    const token = admin.tokens.accessToken;
    const createMovie = () =>
      json<{ id: string }>(`${api}/titles`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          slug: `bench-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`,
          type: 'movie',
          name: 'Bench',
          synopsis: 'Benchmark title',
          releaseYear: 2025,
          runtimeMinutes: 1,
          maturityRating: '13+',
          genres: ['drama'],
          availability: 'published',
        }),
      });
    const viewer = await json<{ tokens: { accessToken: string }; profile: { id: string } }>(
      `${api}/auth/register`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: `bench-${Date.now()}@example.com`,
          password: 'bench-password-123',
        }),
      },
    );
    const grantFor = async (titleId: string) =>
      (
        await json<{ streamUrl: string }>(`${api}/titles/${titleId}/playback`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${viewer.tokens.accessToken}`,
            'x-profile-id': viewer.profile.id,
          },
        })
      ).streamUrl;

    // Throughput: a file of --file-mib through the gateway vs a presigned GET from the S3 server.
    const fileBytes = Number(values['file-mib']) * 1024 * 1024;
    const title = await createMovie();
    const videoId = await uploadPadded(`${api}/titles/${title.id}/video`, token, fileBytes);
    const gatewayUrl = `${system.gatewayUrl}${await grantFor(title.id)}`;
    const directUrl = await getSignedUrl(
      s3,
      new GetObjectCommand({ Bucket: S3_BUCKET, Key: `videos/${videoId}` }),
      { expiresIn: 3600 },
    );
    const size = paddedMp4Size(CLIP, fileBytes);
    const range = {
      range: `bytes=${Math.floor(size / 3)}-${Math.floor(size / 3) + 1024 * 1024 - 1}`,
    };
    process.stdout.write(
      `file ${(size / 1024 / 1024).toFixed(1)} MiB, ${connections} connections, ${seconds}s per run, traces: ${traces}, LOG_LEVEL=${logLevel}\n`,
    );
    // Each contestant is loaded for a round's length first, not counted, as in gateway-titles.ts:
    // without it the gateway's first whole-file round, compiling its code, came out a third below
    // its later ones and pulled three rounds' median down.
    const contestant = (label: string, url: string, headers?: Record<string, string>) => {
      const options = { seconds, connections, ...(headers ? { headers } : {}) };
      return {
        label,
        run: () => load(label, url, options),
        warmUp: () => load('warm-up', url, options),
      };
    };
    const results = await compare(Number(values.rounds), [
      contestant('S3 direct, whole file', directUrl),
      contestant('gateway, whole file', gatewayUrl),
      contestant('S3 direct, 1 MiB range', directUrl, range),
      contestant('gateway, 1 MiB range', gatewayUrl, range),
    ]);
    const rate = (label: string, bytes: number) => {
      const runs: LoadResult[] = results.get(label) ?? [];
      const rps = median(runs.map((r) => r.requestsPerSecond));
      return {
        rps,
        mibps: (rps * bytes) / 1024 / 1024,
        errors: runs.reduce((n, r) => n + r.non2xx, 0),
        perConnection: median(runs.map((r) => r.requests)) / connections,
      };
    };
    // autocannon counts answers completed within the run, and every connection starts at once:
    // with a few answers per connection, the slower contestant loses a larger share of its rate
    // to the answers cut off at the end (a 64 MiB file in 5 s runs: 0.50, in 15 s runs 0.54,
    // which the two p50 latencies' ratio, 0.57, agrees with).
    const FEW_ANSWERS_PER_CONNECTION = 10;
    process.stdout.write('\nmedians (MiB/s = req/s x bytes per answer):\n');
    for (const [kind, bytes] of [
      ['whole file', size],
      ['1 MiB range', 1024 * 1024],
    ] as const) {
      const direct = rate(`S3 direct, ${kind}`, bytes);
      const gateway = rate(`gateway, ${kind}`, bytes);
      process.stdout.write(
        `  ${kind.padEnd(12)} S3 direct ${direct.mibps.toFixed(0).padStart(5)} MiB/s (${direct.rps.toFixed(1)} req/s)  gateway ${gateway.mibps.toFixed(0).padStart(5)} MiB/s (${gateway.rps.toFixed(1)} req/s)  ratio ${(gateway.mibps / direct.mibps).toFixed(2)}${direct.errors + gateway.errors ? `  errors ${direct.errors + gateway.errors}` : ''}\n`,
      );
      if (gateway.perConnection < FEW_ANSWERS_PER_CONNECTION)
        process.stdout.write(
          `  (${gateway.perConnection.toFixed(1)} answers per connection a run through the gateway: the ratio reads low; give a longer --seconds)\n`,
        );
    }

    // A seeking player: random 64 KiB ranges, one at a time, alternating gateway and direct.
    const seeks = Number(values.seeks);
    const seekTimes = { direct: [] as number[], gateway: [] as number[] };
    for (let round = 1; seeks > 0 && round <= Number(values.rounds); round++) {
      for (const [name, url] of [
        ['direct', directUrl],
        ['gateway', gatewayUrl],
      ] as const) {
        const { result: times, percent } = await withLoadCpu(() =>
          seek(url, size, 64 * 1024, seeks),
        );
        seekTimes[name].push(...times);
        process.stdout.write(
          `  round ${round} ${`${seeks} random 64 KiB ranges, ${name}`.padEnd(40)} p50 ${median(times).toFixed(2)} ms  load generator CPU ${percent.toFixed(0)}%\n`,
        );
      }
    }
    if (seeks > 0) {
      const seekDirect = median(seekTimes.direct);
      const seekGateway = median(seekTimes.gateway);
      process.stdout.write(
        `  seeking player: p50 S3 direct ${seekDirect.toFixed(2)} ms, gateway ${seekGateway.toFixed(2)} ms, ratio ${(seekGateway / seekDirect).toFixed(2)} (target <= 3)\n`,
      );
    }

    // A --big-mib upload: through the gateway beside the S3 server's own multipart upload.
    const bigBytes = Number(values['big-mib']) * 1024 * 1024;
    if (bigBytes === 0) return;
    const bigSize = paddedMp4Size(CLIP, bigBytes);
    const mib = (n: number) => (n / 1024 / 1024).toFixed(0);
    const rss = (traces: Record<string, RssTrace>) =>
      ['gateway', 'videos']
        .map((name) => `${name} RSS ${traces[name].map(mib).join(' -> ')} MiB`)
        .join('  ');
    const uploadRates = { direct: [] as number[], gateway: [] as number[] };
    let bigTitle = '';
    process.stdout.write(`\n${values['big-mib']} MiB upload (RSS before -> peak -> after):\n`);
    for (let round = 1; round <= Number(values['upload-rounds']); round++) {
      let started = Date.now();
      const directUpload = await withLoadCpu(() =>
        new Upload({
          client: s3,
          params: {
            Bucket: S3_BUCKET,
            Key: 'bench/direct-upload',
            Body: Readable.from(paddedMp4(CLIP, bigBytes)),
          },
          partSize: 8 * 1024 * 1024,
          queueSize: 4,
        }).done(),
      );
      const direct = bigSize / 1024 / 1024 / ((Date.now() - started) / 1000);
      uploadRates.direct.push(direct);
      await s3.send(new DeleteObjectCommand({ Bucket: S3_BUCKET, Key: 'bench/direct-upload' }));
      process.stdout.write(
        `  round ${round} S3 direct multipart       ${direct.toFixed(0)} MiB/s  load generator CPU ${directUpload.percent.toFixed(0)}%\n`,
      );
      const big = await createMovie();
      bigTitle = big.id;
      started = Date.now();
      const { result: traces, percent: uploadCpu } = await withLoadCpu(() =>
        traceRss(
          system,
          async () => void (await uploadPadded(`${api}/titles/${big.id}/video`, token, bigBytes)),
        ),
      );
      const gateway = bigSize / 1024 / 1024 / ((Date.now() - started) / 1000);
      uploadRates.gateway.push(gateway);
      process.stdout.write(
        `  round ${round} gateway upload            ${gateway.toFixed(0)} MiB/s  ${rss(traces)}  load generator CPU ${uploadCpu.toFixed(0)}%\n`,
      );
    }
    const upDirect = median(uploadRates.direct);
    const upGateway = median(uploadRates.gateway);
    process.stdout.write(
      `  upload: S3 direct ${upDirect.toFixed(0)} MiB/s, gateway ${upGateway.toFixed(0)} MiB/s, ratio ${(upGateway / upDirect).toFixed(2)} (target >= 0.5)\n`,
    );

    const bigUrl = `${system.gatewayUrl}${await grantFor(bigTitle)}`;
    const started = Date.now();
    let downloaded = 0;
    const down = await traceRss(system, async () => void (downloaded = await drain(bigUrl)));
    const downRate = downloaded / 1024 / 1024 / ((Date.now() - started) / 1000);
    process.stdout.write(
      `  download through the gateway (${mib(downloaded)} MiB) ${downRate.toFixed(0)} MiB/s  ${rss(down)}\n`,
    );
  } finally {
    s3.destroy();
    await system.stop();
  }
}

runScript(main);
