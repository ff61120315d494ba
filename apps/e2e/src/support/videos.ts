import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { resolve } from 'node:path';

export const SAMPLES_DIR = resolve(__dirname, '../../../../tools/media/samples');

export function sample(name: string): Buffer {
  return readFileSync(resolve(SAMPLES_DIR, name));
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * POSTs a body written chunk by chunk with back-pressure (node:http, so Content-Length can be
 * anything). `abortAfter` destroys the connection once that many bytes are written.
 */
export function postChunks(
  url: string,
  headers: Record<string, string>,
  chunks: Iterable<Buffer>,
  abortAfter?: number,
): Promise<RawAnswer | 'aborted'> {
  return new Promise((done, fail) => {
    // A connection of its own: a refused body must not leak into another request's connection.
    const req = httpRequest(url, { method: 'POST', headers, agent: false });
    let settled = false;
    req.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (text: string) => (body += text));
      response.on('end', () => {
        settled = true;
        done({ status: response.statusCode ?? 0, headers: response.headers, body });
      });
    });
    req.on('error', (error) => {
      if (settled) return;
      if (abortAfter !== undefined) done('aborted');
      else fail(error);
    });
    const iterator = chunks[Symbol.iterator]();
    let written = 0;
    const pump = () => {
      for (let next = iterator.next(); !next.done; next = iterator.next()) {
        written += next.value.length;
        if (abortAfter !== undefined && written >= abortAfter) {
          req.destroy();
          setTimeout(() => done('aborted'), 100);
          return;
        }
        if (!req.write(next.value)) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

/** VmRSS of a process in bytes (Linux). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** Samples the peak RSS of some processes until stopped. */
export function sampleRss(pids: Record<string, number>): {
  stop(): Record<string, { baseline: number; peak: number }>;
} {
  const figures = Object.fromEntries(
    Object.entries(pids).map(([name, pid]) => [name, { baseline: rssOf(pid), peak: rssOf(pid) }]),
  );
  const timer = setInterval(() => {
    for (const [name, pid] of Object.entries(pids))
      figures[name].peak = Math.max(figures[name].peak, rssOf(pid));
  }, 50);
  return {
    stop: () => {
      clearInterval(timer);
      return figures;
    },
  };
}

/**
 * A playback grant as the gateway issues them (format of apps/gateway playback-grant.ts), for
 * forging expired or tampered ones with the secret the test system was given.
 */
export function forgeGrant(
  secret: string,
  payload: { t: string; e: string; p: string; s: string; m: string; x: number },
): string {
  const body = Buffer.from(JSON.stringify({ v: 2, ...payload })).toString('base64url');
  const signature = createHmac('sha256', secret)
    .update(`kinema-playback-grant.${body}`)
    .digest('base64url');
  return `${body}.${signature}`;
}

/** Uploads a clip for a title through the gateway as a signed-in admin; the answer's status. */
export async function uploadClip(
  api: string,
  titleId: string,
  clip: Buffer,
  admin: { token?: string; ip: string },
): Promise<number> {
  const answer = await fetch(`${api}/titles/${titleId}/video`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${admin.token ?? ''}`,
      'content-type': 'video/mp4',
      'x-forwarded-for': admin.ip,
    },
    body: clip,
  });
  await answer.arrayBuffer();
  return answer.status;
}
