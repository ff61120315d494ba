// Memory and throughput of the embedded S3 server under large uploads and downloads: the server
// runs as its own process (the CLI), so its RSS is measured apart from the SDK client's.
// Usage: npx tsx tools/bench/s3-server.ts [--mib 512]
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';

const MiB = 1024 * 1024;

// VmRSS is the current resident set, VmHWM its peak since the process started (Linux only).
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number =>
    Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

function zeroStream(totalBytes: number): Readable {
  const chunk = Buffer.alloc(MiB, 7);
  return Readable.from(
    (function* () {
      for (let sent = 0; sent < totalBytes; sent += MiB)
        yield chunk.subarray(0, Math.min(MiB, totalBytes - sent));
    })(),
  );
}

async function drain(body: unknown): Promise<number> {
  let bytes = 0;
  for await (const chunk of body as Readable) bytes += (chunk as Buffer).length;
  return bytes;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { mib: { type: 'string', default: '512' } } });
  const size = Number(values.mib) * MiB;
  const cli = join(__dirname, '..', '..', 'libs', 'dev-infra', 'src', 's3', 'cli.ts');
  const server = spawn(process.execPath, ['--require', 'tsx/cjs', cli, '--bucket', 'bench'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  let endpoint: string | undefined;
  while (!endpoint) {
    const [chunk] = (await once(server.stdout, 'data')) as [Buffer];
    output += chunk.toString();
    endpoint = /listening on (http:\/\/\S+)/.exec(output)?.[1];
  }
  const pid = server.pid ?? 0;
  const s3 = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
  });
  const baseline = memoryOf(pid);
  console.log(`object size ${values.mib} MiB; server RSS at start ${baseline.rss.toFixed(0)} MiB`);

  const step = async (name: string, bytes: number, run: () => Promise<unknown>): Promise<void> => {
    const started = process.hrtime.bigint();
    await run();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const { rss, peak } = memoryOf(pid);
    console.log(
      `${name.padEnd(44)} ${(bytes / MiB / seconds).toFixed(0).padStart(5)} MiB/s   server RSS ${rss.toFixed(0)} MiB, peak ${peak.toFixed(0)} MiB (+${(peak - baseline.rss).toFixed(0)})`,
    );
  };

  await step('PutObject, streamed body (aws-chunked)', size, () =>
    s3.send(
      new PutObjectCommand({
        Bucket: 'bench',
        Key: 'single',
        Body: zeroStream(size),
        ContentLength: size,
      }),
    ),
  );
  await step('lib-storage Upload, 8 MiB parts x 4', size, () =>
    new Upload({
      client: s3,
      params: { Bucket: 'bench', Key: 'multi', Body: zeroStream(size) },
      partSize: 8 * MiB,
      queueSize: 4,
    }).done(),
  );
  await step('GetObject, whole multipart object', size, async () =>
    drain((await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: 'multi' }))).Body),
  );
  await step('GetObject, Range of the last half', size / 2, async () =>
    drain(
      (
        await s3.send(
          new GetObjectCommand({ Bucket: 'bench', Key: 'single', Range: `bytes=-${size / 2}` }),
        )
      ).Body,
    ),
  );
  s3.destroy();
  server.kill('SIGTERM');
  await once(server, 'exit');
}

void main();
