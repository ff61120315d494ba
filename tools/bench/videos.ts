// Video playback through the gateway (gateway -> gRPC ReadVideo -> videos -> S3) beside a direct
// GET of the same object from the S3 server, in the same run: full-file and 1 MiB ranged GETs.
// Then the peak RSS of the gateway and videos processes during a 1 GiB upload and download.
// Usage: npx nx run-many -t build && npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/videos.ts
//   [--seconds 8] [--rounds 2] [--connections 8] [--file-mib 8] [--big-mib 1024]
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runScript, S3_BUCKET, startSystem, type RunningSystem } from '@kinema/dev-infra';
import { compare, load, median, type LoadResult } from './lib/load';

const CLIP = readFileSync(resolve(__dirname, '../media/samples/bars-faststart.mp4'));

/** A valid MP4 of any size: the clip, then a `free` box of zeros (players skip it). */
function* paddedMp4(paddingBytes: number, chunkSize = 1024 * 1024): Generator<Buffer> {
  yield CLIP;
  const header = Buffer.alloc(16);
  header.writeUInt32BE(1, 0);
  header.write('free', 4, 'latin1');
  header.writeBigUInt64BE(BigInt(paddingBytes + 16), 8);
  yield header;
  const zeros = Buffer.alloc(chunkSize);
  for (let left = paddingBytes; left > 0; left -= chunkSize)
    yield left >= chunkSize ? zeros : zeros.subarray(0, left);
}

function rssOf(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** Runs `work` while sampling the RSS of the named processes every 50 ms. */
async function peakRss(
  system: RunningSystem,
  work: () => Promise<void>,
): Promise<Record<string, [number, number]>> {
  const pids = {
    gateway: system.supervisor.get('gateway')?.pid ?? -1,
    videos: system.supervisor.get('videos')?.pid ?? -1,
  };
  const peaks: Record<string, [number, number]> = {};
  for (const [name, pid] of Object.entries(pids)) peaks[name] = [rssOf(pid), rssOf(pid)];
  const timer = setInterval(() => {
    for (const [name, pid] of Object.entries(pids))
      peaks[name][1] = Math.max(peaks[name][1], rssOf(pid));
  }, 50);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return peaks;
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
    const size = CLIP.length + 16 + paddingBytes;
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
    const chunks = paddedMp4(paddingBytes);
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
      'big-mib': { type: 'string', default: '1024' },
    },
  });
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const dataDir = mkdtempSync(join(tmpdir(), 'kinema-bench-videos-'));
  const system = await startSystem({
    dataDir,
    ephemeralPorts: true,
    demoTitles: 20,
    logLevel: 'warn',
    env: {
      ...process.env,
      KAFKA_BROKERS: '',
      S3_ENDPOINT: '',
      DATABASE_URL: '',
      RATE_LIMIT_REQUESTS: '10000000',
    },
    sink: () => undefined,
  });
  const api = `${system.gatewayUrl}/api/v1`;
  const s3 = new S3Client({
    endpoint: system.s3Endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'kinema-dev', secretAccessKey: 'kinema-dev-secret' },
  });
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
    const size = CLIP.length + 16 + fileBytes;
    const range = {
      range: `bytes=${Math.floor(size / 3)}-${Math.floor(size / 3) + 1024 * 1024 - 1}`,
    };
    process.stdout.write(
      `file ${(size / 1024 / 1024).toFixed(1)} MiB, ${connections} connections, ${seconds}s per run\n`,
    );
    const results = await compare(Number(values.rounds), [
      {
        label: 'S3 direct, whole file',
        run: () => load('S3 direct, whole file', directUrl, { seconds, connections }),
      },
      {
        label: 'gateway, whole file',
        run: () => load('gateway, whole file', gatewayUrl, { seconds, connections }),
      },
      {
        label: 'S3 direct, 1 MiB range',
        run: () =>
          load('S3 direct, 1 MiB range', directUrl, { seconds, connections, headers: range }),
      },
      {
        label: 'gateway, 1 MiB range',
        run: () =>
          load('gateway, 1 MiB range', gatewayUrl, { seconds, connections, headers: range }),
      },
    ]);
    const rate = (label: string, bytes: number) => {
      const runs: LoadResult[] = results.get(label) ?? [];
      const rps = median(runs.map((r) => r.requestsPerSecond));
      return {
        rps,
        mibps: (rps * bytes) / 1024 / 1024,
        errors: runs.reduce((n, r) => n + r.non2xx, 0),
      };
    };
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
    }

    // Memory: a --big-mib upload and its download through the gateway.
    const bigBytes = Number(values['big-mib']) * 1024 * 1024;
    const big = await createMovie();
    let started = Date.now();
    const up = await peakRss(
      system,
      async () => void (await uploadPadded(`${api}/titles/${big.id}/video`, token, bigBytes)),
    );
    const upSeconds = (Date.now() - started) / 1000;
    const bigUrl = `${system.gatewayUrl}${await grantFor(big.id)}`;
    started = Date.now();
    let downloaded = 0;
    const down = await peakRss(system, async () => void (downloaded = await drain(bigUrl)));
    const downSeconds = (Date.now() - started) / 1000;
    const mib = (n: number) => (n / 1024 / 1024).toFixed(0);
    const line = (what: string, seconds: number, peaks: Record<string, [number, number]>) =>
      process.stdout.write(
        `  ${what.padEnd(22)} ${seconds.toFixed(1)}s (${(bigBytes / 1024 / 1024 / seconds).toFixed(0)} MiB/s)  gateway RSS ${mib(peaks['gateway'][0])} -> peak ${mib(peaks['gateway'][1])} MiB  videos RSS ${mib(peaks['videos'][0])} -> peak ${mib(peaks['videos'][1])} MiB\n`,
      );
    process.stdout.write(`\n${values['big-mib']} MiB transfer:\n`);
    line('upload', upSeconds, up);
    line(`download (${mib(downloaded)} MiB)`, downSeconds, down);
  } finally {
    s3.destroy();
    await system.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runScript(main);
