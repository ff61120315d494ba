import { Logger } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { storeUnavailable, StaleReadUrl } from './video-problems';

/** How long the store may take to answer a read's headers; the body then flows at the client's pace. */
const STORE_HEADERS_TIMEOUT_MS = 10_000;

const logger = new Logger('VideoStore');

// undici rather than node:http: Node's HTTP client copies every body chunk out of the socket's
// buffer into a new Buffer (its parser's on_body), which made a third of the gateway's playback
// CPU (the copy, and the garbage collection of twice the buffers). undici hands on slices of the
// socket's own chunks. Kept-alive sockets: a seeking player opens a read per Range request.
const store = new Agent({
  headersTimeout: STORE_HEADERS_TIMEOUT_MS,
  // The body may pause as long as the client does (back-pressure): only the headers are timed.
  bodyTimeout: 0,
});

/**
 * Opens a GET of bytes [start, end] of a presigned object URL and resolves with the body once the
 * store's headers arrived, checked: exactly the asked bytes. The body is a stream of the socket's
 * chunks, handed to the reply as they are (back-pressure by the pipe). `signal` aborts the read
 * (the client went away), which closes the store's socket. A URL the store no longer honours
 * (object replaced and deleted, URL expired) rejects StaleReadUrl; any other failure, 503
 * VIDEO_STORE_UNAVAILABLE.
 */
export async function readObjectRange(
  url: string,
  start: number,
  end: number,
  signal: AbortSignal,
): Promise<Readable> {
  const fail = (reason: string) => {
    logger.warn(`read of ${new URL(url).pathname} failed: ${reason}`);
    return storeUnavailable();
  };
  let response: Awaited<ReturnType<typeof request>>;
  try {
    response = await request(url, {
      dispatcher: store,
      signal,
      headers: { range: `bytes=${start}-${end}` },
    });
  } catch (error) {
    // The client went away: nobody to answer, nothing to report.
    if (signal.aborted) throw error;
    throw fail((error as Error).message);
  }
  const { statusCode, headers, body } = response;
  const length = Number(headers['content-length']);
  if (statusCode === 206 && length === end - start + 1) return body;
  // Read off (a refusal's body is small) so the socket serves the next read; at most 128 KiB.
  void body.dump().catch(() => undefined);
  if (statusCode === 403 || statusCode === 404) throw new StaleReadUrl();
  throw fail(`the store answered ${statusCode} (${length} bytes)`);
}
