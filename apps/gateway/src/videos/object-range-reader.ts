import { Logger } from '@nestjs/common';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { storeUnavailable, StaleReadUrl } from './video-problems';

/** How long the store may take to answer a read's headers; the body then flows at the client's pace. */
const STORE_HEADERS_TIMEOUT_MS = 10_000;

const logger = new Logger('VideoStore');

// Kept-alive sockets to the store: a seeking player opens a read per Range request.
const agents = {
  'http:': new HttpAgent({ keepAlive: true }),
  'https:': new HttpsAgent({ keepAlive: true }),
};

/**
 * Opens a GET of bytes [start, end] of a presigned object URL and resolves with the store's
 * answer once its headers arrived, checked: exactly the asked bytes. The body is the socket's
 * stream, handed to the reply as it is (no copy, back-pressure by the pipe). `signal` aborts the
 * read (the client went away). A URL the store no longer honours (object replaced and deleted,
 * URL expired) rejects StaleReadUrl; any other failure, 503 VIDEO_STORE_UNAVAILABLE.
 */
export function readObjectRange(
  url: string,
  start: number,
  end: number,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  const target = new URL(url);
  const open = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const agent = target.protocol === 'https:' ? agents['https:'] : agents['http:'];
  return new Promise((resolve, reject) => {
    const request = open(target, {
      agent,
      signal,
      headers: { range: `bytes=${start}-${end}` },
      timeout: STORE_HEADERS_TIMEOUT_MS,
    });
    request.once('timeout', () => request.destroy(new Error('the store did not answer in time')));
    const fail = (reason: string) => {
      logger.warn(`read of ${target.pathname} failed: ${reason}`);
      reject(storeUnavailable());
    };
    request.on('error', (error) => {
      // The client went away: nobody to answer, nothing to report.
      if (!signal.aborted) fail(error.message);
      else reject(error);
    });
    request.once('response', (response) => {
      // The body may pause as long as the client does; only the wait for headers is timed.
      request.setTimeout(0);
      const length = Number(response.headers['content-length']);
      if (response.statusCode === 206 && length === end - start + 1) {
        resolve(response);
        return;
      }
      response.destroy();
      if (response.statusCode === 403 || response.statusCode === 404) reject(new StaleReadUrl());
      else fail(`the store answered ${response.statusCode} (${length} bytes)`);
    });
    request.end();
  });
}
