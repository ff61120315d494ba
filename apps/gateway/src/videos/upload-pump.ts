import type { ClientWritableStream, ServiceError } from '@grpc/grpc-js';
import type {
  UploadVideoMetadata,
  UploadVideoRequest,
  UploadVideoResponse,
} from '@kinema/contracts';
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';

/**
 * Largest chunk message sent. Small, because each end of the call buffers up to 16 messages
 * before back-pressure stops the sender: 64 KiB messages keep that near 1 MiB an upload.
 */
const MAX_CHUNK_BYTES = 64 * 1024;

export type OpenUploadCall = (
  callback: (error: ServiceError | null, response?: UploadVideoResponse) => void,
) => ClientWritableStream<UploadVideoRequest>;

export type UploadOutcome =
  | { kind: 'done'; response: UploadVideoResponse }
  /** The service refused or failed the upload; answer its error. */
  | { kind: 'failed'; error: ServiceError }
  /** The HTTP client went away mid-body; the call was cancelled, nobody is left to answer. */
  | { kind: 'client-gone' };

/**
 * Copies the request body into an UploadVideo call with back-pressure both ways: the body is
 * paused while the call's buffer is full (write() returned false) and resumed on 'drain', so
 * memory stays at a few buffered chunks whatever the file size. A client that disconnects
 * cancels the call (the service then aborts its multipart upload); a call that fails first
 * stops the copy and lets the rest of the body be discarded, so the error is answered at once.
 */
export function pumpUpload(
  open: OpenUploadCall,
  metadata: UploadVideoMetadata,
  source: Readable,
): Promise<UploadOutcome> {
  return new Promise<UploadOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: UploadOutcome) => {
      if (settled) return;
      settled = true;
      source.off('data', onData);
      resolve(outcome);
    };
    const call = open((error, response) => {
      if (error) {
        // Nobody reads the rest of the body any more: let it flow to nowhere so the answer can go.
        source.resume();
        finish({ kind: 'failed', error });
      } else if (response) finish({ kind: 'done', response });
    });
    // The pump does not handle stream errors itself: the callback above reports them.
    call.on('error', () => undefined);
    const onDrain = () => source.resume();
    call.on('drain', onDrain);
    const onData = (data: Buffer) => {
      let writable = true;
      for (let offset = 0; offset < data.length; offset += MAX_CHUNK_BYTES) {
        writable =
          call.write({ chunk: data.subarray(offset, offset + MAX_CHUNK_BYTES) }) && writable;
      }
      if (!writable) source.pause();
    };
    const onGone = () => {
      if (settled) return;
      call.cancel();
      finish({ kind: 'client-gone' });
    };
    call.write({ metadata });
    source.on('data', onData);
    source.once('end', () => {
      if (!settled) call.end();
    });
    source.once('error', onGone);
    source.once('close', () => {
      if (!bodyComplete(source)) onGone();
    });
  });
}

/** Whether the body was received in full (an IncomingMessage says so; other streams ended). */
function bodyComplete(source: Readable): boolean {
  const incoming = source as Partial<IncomingMessage>;
  return typeof incoming.complete === 'boolean' ? incoming.complete : source.readableEnded;
}
