import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The object store as the gateway's playback reads see it: ranged GETs of URLs (as presigned
 * URLs are), answered 206 with exactly the asked bytes, or the status a test queues up. Every
 * request is logged, and a test can hold bodies part-way to see what a disconnect frees.
 */
export class FakeObjectStore {
  private readonly objects = new Map<string, Buffer>();
  private readonly server = createServer((request, response) => {
    const path = request.url ?? '/';
    const range = request.headers.range;
    this.requests.push({ path, range });
    const failure = this.failures.shift();
    if (failure !== undefined) return void response.writeHead(failure).end();
    const bytes = this.objects.get(path);
    const match = /^bytes=(\d+)-(\d+)$/.exec(range ?? '');
    if (!bytes) return void response.writeHead(404).end();
    if (!match) return void response.writeHead(200, { 'content-length': bytes.length }).end(bytes);
    const start = Number(match[1]);
    const end = Math.min(Number(match[2]), bytes.length - 1);
    response.writeHead(206, {
      'content-length': end - start + 1,
      'content-range': `bytes ${start}-${end}/${bytes.length}`,
    });
    const body = bytes.subarray(start, end + 1);
    if (this.stallAfter === undefined) return void response.end(body);
    response.write(body.subarray(0, this.stallAfter));
    this.stalled.push(response);
  });

  /** Every request received: path (with query) and Range header. */
  readonly requests: Array<{ path: string; range: string | undefined }> = [];
  /** Statuses the next requests answer instead of bytes, first first. */
  readonly failures: number[] = [];
  /** When set, each body stops after this many bytes and waits (see `stalled`). */
  stallAfter: number | undefined;
  /** The responses held part-way; `destroyed` tells whether the gateway let go of them. */
  readonly stalled: ServerResponse[] = [];
  private base = '';

  async start(): Promise<void> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Stores `bytes` and answers a URL for them, as a presigned URL names an object. */
  put(name: string, bytes: Buffer): string {
    const path = `/bucket/${name}?X-Amz-Signature=test`;
    this.objects.set(path, bytes);
    return `${this.base}${path}`;
  }

  async stop(): Promise<void> {
    const closed = once(this.server, 'close');
    this.server.close();
    this.server.closeAllConnections();
    await closed;
  }
}
