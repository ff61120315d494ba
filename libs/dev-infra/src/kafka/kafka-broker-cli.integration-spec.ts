import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { RunningKafkaBroker, startKafkaBroker } from './index';
import { testKafka } from './testing/kafka-test.helpers';

const cliPath = path.join(__dirname, 'cli.ts');

function runCli(args: string[]): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', cliPath, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, output: () => output, exited };
}

function listeningLine(run: ReturnType<typeof runCli>): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const match = /kafka broker listening on (\S+)\n/.exec(run.output());
      if (match) resolve(match[1]);
    };
    run.child.stdout?.on('data', check);
    void run.exited.then(() => reject(new Error(`cli exited early: ${run.output()}`)));
  });
}

describe('kafka broker command line', () => {
  jest.setTimeout(30_000);

  it('prints where it listens, serves kafkajs, and stops cleanly on SIGTERM', async () => {
    const run = runCli(['--port', '0', '--partitions', '2']);
    const address = await listeningLine(run);
    const admin = testKafka(address).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'cli-topic' }] });
    const { topics } = await admin.fetchTopicMetadata({ topics: ['cli-topic'] });
    await admin.disconnect();
    expect(topics[0].partitions).toHaveLength(2);
    run.child.kill('SIGTERM');
    await expect(run.exited).resolves.toBe(0);
  });

  it('fails fast, naming the port, when the port is already taken', async () => {
    const occupant: RunningKafkaBroker = await startKafkaBroker();
    try {
      const run = runCli(['--port', String(occupant.port)]);
      await expect(run.exited).resolves.toBe(1);
      expect(run.output()).toContain(`:${occupant.port}`);
      expect(run.output()).toMatch(/EADDRINUSE/);
    } finally {
      await occupant.stop();
    }
  });
});
