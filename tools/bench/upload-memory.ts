// Memory of the gateway and videos processes under many concurrent uploads that stall and are
// then abandoned by their clients (the attack of issue 15, item 10): --uploads clients each
// declare a 64 MiB file, send --send-mib of it at full speed, stop, and finally disconnect.
// Prints how many were accepted or refused (and with what status), each process's RSS before,
// at its peak while the uploads are parked, and once every multipart upload is gone again.
// Usage: npx nx run-many -t build && npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/upload-memory.ts
//   [--uploads 50] [--send-mib 24]
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runScript, S3_BUCKET } from '@kinema/dev-infra';
import { benchS3Client, rssBytes, startBenchSystem } from './lib/bench-system';

const CLIP = readFileSync(resolve(__dirname, '../media/samples/bars-faststart.mp4'));
const DECLARED = 64 * 1024 * 1024;

async function json<T>(url: string, init: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${url}: ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

interface Parked {
  request: ClientRequest;
  /** 'sent' once --send-mib went out, or the status of an early answer (a refusal). */
  state: Promise<string>;
}

/** Sends the first `send` bytes of a 64 MiB MP4 upload, with back-pressure, then stops. */
function park(url: string, token: string, send: number): Parked {
  const request = httpRequest(url, {
    method: 'POST',
    agent: false,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'video/mp4',
      'content-length': DECLARED,
    },
  });
  const state = new Promise<string>((done) => {
    request.on('response', (res) => {
      res.resume();
      done(String(res.statusCode));
    });
    request.on('error', () => done('connection error'));
    const zeros = Buffer.alloc(64 * 1024);
    let sent = 0;
    const header = Buffer.alloc(16);
    header.writeUInt32BE(1, 0);
    header.write('free', 4, 'latin1');
    header.writeBigUInt64BE(BigInt(DECLARED - CLIP.length), 8);
    request.write(CLIP);
    request.write(header);
    sent += CLIP.length + 16;
    const pump = () => {
      while (sent < send) {
        sent += zeros.length;
        if (!request.write(zeros)) return void request.once('drain', pump);
      }
      done('sent');
    };
    pump();
  });
  return { request, state };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      uploads: { type: 'string', default: '50' },
      'send-mib': { type: 'string', default: '24' },
    },
  });
  const uploads = Number(values.uploads);
  const send = Number(values['send-mib']) * 1024 * 1024;
  const system = await startBenchSystem({ demoTitles: 20, standIns: true });
  const s3 = benchS3Client(system);
  const pids = {
    gateway: system.supervisor.get('gateway')?.pid ?? -1,
    videos: system.supervisor.get('videos')?.pid ?? -1,
  };
  const mib = (n: number) => (n / 1024 / 1024).toFixed(0);
  try {
    const api = `${system.gatewayUrl}/api/v1`;
    const { tokens } = await json<{ tokens: { accessToken: string } }>(`${api}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(system.plan.admin),
    });
    const titles = await json<{ items: Array<{ id: string; type: string }> }>(
      `${api}/titles?limit=100&type=movie`,
      { headers: { authorization: `Bearer ${tokens.accessToken}` } },
    );
    const movies = titles.items.map((title) => title.id);
    const before = { gateway: rssBytes(pids.gateway), videos: rssBytes(pids.videos) };
    const peak = { ...before };
    const sample = () => {
      peak.gateway = Math.max(peak.gateway, rssBytes(pids.gateway));
      peak.videos = Math.max(peak.videos, rssBytes(pids.videos));
    };
    const sampler = setInterval(sample, 50);
    const parked = Array.from({ length: uploads }, (_, i) =>
      park(`${api}/titles/${movies[i % movies.length]}/video`, tokens.accessToken, send),
    );
    const states = await Promise.all(parked.map((upload) => upload.state));
    // Parked: every client has sent what it will send. Let the services settle on it for 2 s.
    await new Promise((done) => setTimeout(done, 2000));
    clearInterval(sampler);
    sample();
    for (const upload of parked) upload.request.destroy();
    const started = Date.now();
    for (;;) {
      const open = await s3.send(new ListMultipartUploadsCommand({ Bucket: S3_BUCKET }));
      if ((open.Uploads ?? []).length === 0 || Date.now() - started > 60_000) break;
      await new Promise((done) => setTimeout(done, 100));
    }
    const after = { gateway: rssBytes(pids.gateway), videos: rssBytes(pids.videos) };
    const tally = new Map<string, number>();
    for (const state of states) tally.set(state, (tally.get(state) ?? 0) + 1);
    process.stdout.write(
      `${uploads} uploads of a 64 MiB file, ${values['send-mib']} MiB sent each, then abandoned\n` +
        `  outcome while parked: ${[...tally].map(([s, n]) => `${n} ${s === 'sent' ? 'accepted (all sent)' : `answered ${s}`}`).join(', ')}\n`,
    );
    for (const name of ['gateway', 'videos'] as const) {
      process.stdout.write(
        `  ${name.padEnd(8)} RSS ${mib(before[name])} -> peak ${mib(peak[name])} -> after ${mib(after[name])} MiB\n`,
      );
    }
  } finally {
    s3.destroy();
    await system.stop();
  }
}

runScript(main);
