import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import {
  ClientSecurity,
  ClientUnderTest,
  ConformanceClient,
  ReceivedMessage,
} from './conformance-client.types';

/** Debian's kcat (librdkafka 2.0.2); CI installs it with apt. */
export const KCAT = process.env.KCAT_PATH ?? '/usr/bin/kcat';

interface KcatJsonRecord {
  partition: number;
  offset: number;
  key: string | null;
  payload: string | null;
  headers?: string[] | null;
}

function toReceived(line: string): ReceivedMessage {
  const record = JSON.parse(line) as KcatJsonRecord;
  const headers: Record<string, string> = {};
  const flat = record.headers ?? [];
  for (let i = 0; i + 1 < flat.length; i += 2) headers[flat[i]] = flat[i + 1];
  return {
    partition: record.partition,
    offset: record.offset,
    key: record.key ?? '',
    value: record.payload ?? '',
    headers,
  };
}

function run(args: string[], input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(KCAT, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`kcat ${args.join(' ')} exited ${code}: ${stderr}`));
    });
    child.stdin.end(input);
  });
}

/**
 * kcat: metadata, produce (also in a transaction) and consume (alone or in a group); it has no
 * topic or group admin.
 */
async function connect(address: string, security?: ClientSecurity): Promise<ConformanceClient> {
  const secured = security
    ? [
        ['security.protocol', 'SASL_SSL'],
        ['ssl.ca.location', security.caFile],
        ['sasl.mechanisms', security.mechanism],
        ['sasl.username', security.username],
        ['sasl.password', security.password],
      ].flatMap(([name, value]) => ['-X', `${name}=${value}`])
    : [];
  const base = ['-b', address, '-X', 'topic.metadata.refresh.interval.ms=1000', ...secured];
  const members = new Set<() => Promise<void>>();
  const metadata = async () =>
    JSON.parse(await run([...base, '-L', '-J'])) as {
      topics: { topic: string; partitions: unknown[] }[];
    };
  return {
    name: 'kcat',
    async produce(topic, messages, { gzip }) {
      // -H applies to every message of one run, so messages are grouped by their header set.
      const byHeaders = new Map<string, typeof messages>();
      for (const m of messages) {
        const key = JSON.stringify(m.headers);
        byHeaders.set(key, [...(byHeaders.get(key) ?? []), m]);
      }
      for (const [headers, batch] of byHeaders) {
        const headerArgs = Object.entries(JSON.parse(headers) as Record<string, string>).flatMap(
          ([name, value]) => ['-H', `${name}=${value}`],
        );
        const input = batch.map((m) => `${m.key}\t${m.value}\n`).join('');
        await run(
          [...base, '-P', '-t', topic, '-K', '\t', '-z', gzip ? 'gzip' : 'none', ...headerArgs],
          input,
        );
      }
    },
    async consumeFromBeginning(topic, count) {
      const out = await run([...base, '-C', '-t', topic, '-o', 'beginning', '-e', '-J']);
      const lines = out.split('\n').filter((line) => line.startsWith('{'));
      if (lines.length < count) throw new Error(`kcat read ${lines.length} of ${count} messages`);
      return lines.map(toReceived);
    },
    async joinGroup(topic, groupId) {
      const child = spawn(
        KCAT,
        [
          ...base,
          '-G',
          groupId,
          '-J',
          '-u',
          '-X',
          'auto.offset.reset=earliest',
          '-X',
          'session.timeout.ms=6000',
          '-X',
          'heartbeat.interval.ms=200',
          '-X',
          'auto.commit.interval.ms=100',
          topic,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const received: ReceivedMessage[] = [];
      let pending = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => {
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) if (line.startsWith('{')) received.push(toReceived(line));
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      const stop = async (): Promise<void> => {
        members.delete(stop);
        // SIGTERM makes kcat close its consumer: final commit, then LeaveGroup.
        child.kill('SIGTERM');
        const code = await exited;
        if (code !== 0) throw new Error(`kcat group member exited ${code}: ${stderr}`);
      };
      members.add(stop);
      return { received, stop };
    },
    async listTopics() {
      return (await metadata()).topics.map((t) => t.topic);
    },
    async partitionCount(topic) {
      return (await metadata()).topics.find((t) => t.topic === topic)?.partitions.length ?? 0;
    },
    async produceInTransaction(topic, messages) {
      // With transactional.id set, kcat sends everything it reads in one transaction.
      const input = messages.map((m) => `${m.key}\t${m.value}\n`).join('');
      await run(
        [...base, '-P', '-t', topic, '-K', '\t', '-X', `transactional.id=${topic}-txn`],
        input,
      );
    },
    async close() {
      for (const stop of [...members]) await stop();
    },
  };
}

export const kcatClient: ClientUnderTest = {
  name: 'kcat',
  unavailable: () =>
    fs.existsSync(KCAT) ? null : `${KCAT} is not installed (apt-get install kcat)`,
  offers: ['listTopics', 'partitionCount', 'produceInTransaction'],
  connect,
};
