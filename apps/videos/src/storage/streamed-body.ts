import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';

/** Bytes of a request body held between the writer and the socket (the HTTP client's share). */
export const STREAMED_BODY_BUFFER_BYTES = 256 * 1024;

/**
 * A request body of known length written as the bytes arrive, with back-pressure: write() waits
 * while the request is not taking bytes, and fails as soon as the request has. So one part of a
 * multipart upload (or a whole small object) is never held in memory, only what is in flight.
 */
export class StreamedBody<Result> {
  private readonly body = new PassThrough({ highWaterMark: STREAMED_BODY_BUFFER_BYTES });
  private readonly abort = new AbortController();
  private readonly request: Promise<Result>;
  private remainingBytes: number;

  constructor(
    readonly length: number,
    send: (body: Readable, length: number, signal: AbortSignal) => Promise<Result>,
  ) {
    this.remainingBytes = length;
    this.request = send(this.body, length, this.abort.signal);
    // Observed by write() and finish(); this keeps a failure between them from going unhandled.
    this.request.catch(() => undefined);
  }

  /** Bytes still to write before the body is whole. */
  get remaining(): number {
    return this.remainingBytes;
  }

  async write(chunk: Buffer): Promise<void> {
    if (chunk.length > this.remainingBytes) throw new Error('more bytes than the body length');
    this.remainingBytes -= chunk.length;
    if (this.body.write(chunk)) return;
    const stop = new AbortController();
    try {
      await Promise.race([
        once(this.body, 'drain', { signal: stop.signal }),
        this.request.then(() => {
          throw new Error('the request ended before its body was sent');
        }),
      ]);
    } finally {
      stop.abort();
    }
  }

  /** Ends the body (all its bytes written) and answers the request's result. */
  finish(): Promise<Result> {
    if (this.remainingBytes !== 0) throw new Error('the body is not complete');
    this.body.end();
    return this.request;
  }

  /** Gives up: the request is aborted and its body dropped. */
  async cancel(): Promise<void> {
    this.abort.abort();
    this.body.destroy();
    await this.request.catch(() => undefined);
  }
}
