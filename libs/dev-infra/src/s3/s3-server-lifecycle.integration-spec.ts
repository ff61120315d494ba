import {
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningS3Server, startS3Server } from './index';

const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
const CLI = join(__dirname, 'cli.ts');

const clientFor = (endpoint: string): S3Client =>
  new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'kinema', secretAccessKey: 'kinema-secret' },
  });

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

function runCli(args: string[]): {
  child: ChildProcessWithoutNullStreams;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', CLI, ...args], { cwd: REPO_ROOT });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return { child, output: () => output, exited };
}

async function waitForLine(
  cli: ReturnType<typeof runCli>,
  pattern: RegExp,
): Promise<RegExpMatchArray> {
  for (;;) {
    const match = pattern.exec(cli.output());
    if (match) return match;
    if (cli.child.exitCode !== null) throw new Error(`cli exited early: ${cli.output()}`);
    await once(cli.child.stdout, 'data');
  }
}

describe('embedded S3 server: lifecycle', () => {
  let root: string;
  const running: RunningS3Server[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kinema-s3-lifecycle-'));
  });

  afterAll(async () => {
    await Promise.all(running.map((server) => server.stop()));
    await rm(root, { recursive: true, force: true });
  });

  const start = async (...options: Parameters<typeof startS3Server>): Promise<RunningS3Server> => {
    const server = await startS3Server(...options);
    running.push(server);
    return server;
  };

  it('keeps objects and in-progress uploads across a stop and start with the same data directory', async () => {
    const dataDir = join(root, 'persistent');
    const first = await start({ dataDir, buckets: ['videos'] });
    const before = clientFor(first.endpoint);
    await before.send(
      new PutObjectCommand({
        Bucket: 'videos',
        Key: 'kept.txt',
        Body: 'still here',
        Metadata: { kind: 'note' },
      }),
    );
    const { UploadId } = await before.send(
      new CreateMultipartUploadCommand({ Bucket: 'videos', Key: 'pending.mp4' }),
    );
    before.destroy();
    await first.stop();

    const second = await start({ dataDir, buckets: ['videos'] });
    const after = clientFor(second.endpoint);
    const object = await after.send(new GetObjectCommand({ Bucket: 'videos', Key: 'kept.txt' }));
    expect(await object.Body?.transformToString()).toBe('still here');
    expect(object.Metadata).toEqual({ kind: 'note' });
    const uploads = await after.send(new ListMultipartUploadsCommand({ Bucket: 'videos' }));
    expect(uploads.Uploads?.map((u) => u.UploadId)).toEqual([UploadId]);
    after.destroy();
  });

  it('creates the requested buckets and removes its own temp data directory on stop', async () => {
    const messages: string[] = [];
    const logger = {
      info: (msg: string) => messages.push(msg),
      warn: (msg: string) => messages.push(msg),
    };
    const server = await start({ buckets: ['videos', 'posters'], logger });
    const s3 = clientFor(server.endpoint);
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'posters' }))).resolves.toBeDefined();
    s3.destroy();
    const dataDir = /data in (.+)\)$/.exec(messages.join('\n'))?.[1] ?? '';
    expect(await exists(join(dataDir, 'buckets', 'posters'))).toBe(true);

    await server.stop();
    expect(await exists(dataDir)).toBe(false);
    await expect(server.stop()).resolves.toBeUndefined();
  });

  it('fails fast, naming the port, when the port is taken', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as { port: number };
    await expect(startS3Server({ port })).rejects.toThrow(`port ${port}`);
    blocker.close();
  });

  it('runs from the command line: announces its endpoint, serves, and stops cleanly on SIGTERM', async () => {
    const cli = runCli(['--port', '0', '--bucket', 'videos', '--data-dir', join(root, 'cli')]);
    const [, endpoint] = await waitForLine(cli, /s3 server listening on (http:\/\/\S+)/);
    const s3 = clientFor(endpoint);
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'videos' }))).resolves.toBeDefined();
    s3.destroy();
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(await exists(join(root, 'cli', 'buckets', 'videos'))).toBe(true);
  }, 30_000);

  it('exits non-zero from the command line when the port is in use, naming the port', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as { port: number };
    const cli = runCli(['--port', String(port)]);
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain(`port ${port}`);
    blocker.close();
  }, 30_000);
});
