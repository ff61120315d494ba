import { Metadata, type ClientWritableStream, type ServiceError } from '@grpc/grpc-js';
import {
  ReadVideoRequest,
  type ReadVideoResponse,
  type UploadVideoMetadata,
  type UploadVideoRequest,
  type UploadVideoResponse,
  type VideosServiceClient,
} from '@kinema/contracts';

import { once } from 'node:events';
import { VIDEO_ID_METADATA } from '../videos.constants';

export interface UploadHandle {
  call: ClientWritableStream<UploadVideoRequest>;
  /** Settles with the answer of the call. */
  result: Promise<UploadVideoResponse>;
  /** Resolves with the video id the server announces in its response headers. */
  videoId: Promise<string>;
  /** Writes one chunk, waiting while the call is congested; false once the call has ended. */
  write(chunk: Buffer): Promise<boolean>;
  end(): void;
}

/** Opens an UploadVideo call and sends its metadata; the caller streams the chunks. */
export function openUpload(
  client: VideosServiceClient,
  metadata: Partial<UploadVideoMetadata>,
): UploadHandle {
  let settled = false;
  let resolveId: (id: string) => void = () => undefined;
  let rejectId: (error: Error) => void = () => undefined;
  const videoId = new Promise<string>((resolve, reject) => {
    resolveId = resolve;
    rejectId = reject;
  });
  let call: ClientWritableStream<UploadVideoRequest> | undefined;
  const result = new Promise<UploadVideoResponse>((resolve, reject) => {
    call = client.uploadVideo(
      new Metadata(),
      // Generous: a deadline here only turns a hung server into a failed test.
      { deadline: new Date(Date.now() + 120_000) },
      (error: ServiceError | null, response?: UploadVideoResponse) => {
        settled = true;
        rejectId(new Error('the upload ended before announcing a video id'));
        if (error || !response) reject(error ?? new Error('no response'));
        else resolve(response);
      },
    );
  });
  // Failures are asserted through `result`; this keeps an unobserved one from crashing Jest.
  videoId.catch(() => undefined);
  if (!call) throw new Error('the client did not open a call');
  const opened = call;
  opened.on('metadata', (headers: Metadata) => {
    const id = headers.get(VIDEO_ID_METADATA)[0];
    if (id !== undefined) resolveId(String(id));
  });
  opened.write({
    metadata: {
      titleId: '',
      episodeId: '',
      contentType: 'video/mp4',
      contentLength: 0,
      ...metadata,
    },
  });
  const ended = result.then(
    () => undefined,
    () => undefined,
  );
  return {
    call: opened,
    result,
    videoId,
    async write(chunk: Buffer): Promise<boolean> {
      if (settled) return false;
      if (!opened.write({ chunk })) {
        await Promise.race([once(opened, 'drain'), ended]);
      }
      return !settled;
    },
    end: () => opened.end(),
  };
}

/** Uploads the chunks of `source` as one video and answers the call's result. */
export async function uploadVideo(
  client: VideosServiceClient,
  metadata: Partial<UploadVideoMetadata>,
  source: Iterable<Buffer> | AsyncIterable<Buffer>,
): Promise<UploadVideoResponse> {
  const upload = openUpload(client, metadata);
  for await (const chunk of source) {
    if (!(await upload.write(chunk))) break;
  }
  upload.end();
  return upload.result;
}

/** The chunks of a buffer, as a client would send them. */
export function* chunksOf(bytes: Buffer, size = 64 * 1024): Generator<Buffer> {
  for (let offset = 0; offset < bytes.length; offset += size) {
    yield bytes.subarray(offset, offset + size);
  }
}

/** Reads [offset, offset + length) through ReadVideo and keeps every message. */
export function readVideo(
  client: VideosServiceClient,
  request: Partial<ReadVideoRequest>,
): Promise<ReadVideoResponse[]> {
  return new Promise((resolve, reject) => {
    const messages: ReadVideoResponse[] = [];
    const stream = client.readVideo(ReadVideoRequest.fromPartial(request), new Metadata(), {
      deadline: new Date(Date.now() + 60_000),
    });
    stream.on('data', (message: ReadVideoResponse) => messages.push(message));
    stream.on('error', reject);
    stream.on('end', () => resolve(messages));
  });
}

export function joined(messages: ReadVideoResponse[]): Buffer {
  return Buffer.concat(messages.map((message) => message.chunk));
}

// Shared with the other services' harnesses, re-exported so the specs import one place.
export { defined, failureOf } from '@kinema/platform/testing';
