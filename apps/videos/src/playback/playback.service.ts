import type { ServerWritableStream } from '@grpc/grpc-js';
import type { ReadVideoRequest, ReadVideoResponse } from '@kinema/contracts';
import { DomainError } from '@kinema/platform';
import { Injectable } from '@nestjs/common';
import { once } from 'node:events';
import { rangeLength, resolveRange } from '../storage/byte-range';
import { checkPresignTtl } from '../storage/presign-ttl';
import { Rechunker } from '../storage/rechunker';
import { VideoStorage } from '../storage/video-storage';
import { READ_CHUNK_BYTES } from '../videos.constants';
import { VideosService } from '../videos/videos.service';

type ReadCall = ServerWritableStream<ReadVideoRequest, ReadVideoResponse>;

const DEFAULT_PRESIGN_TTL_SECONDS = 300;

export interface PresignedPlayback {
  url: string;
  expireTime: Date;
}

/** Serves the bytes of ready videos: streamed through gRPC, or straight from S3 by URL. */
@Injectable()
export class PlaybackService {
  constructor(
    private readonly videos: VideosService,
    private readonly storage: VideoStorage,
  ) {}

  /**
   * Streams [offset, offset + length) of a video from one ranged GET, in chunks of at most
   * 256 KiB. Writing waits for the call to drain, and the S3 body is only read as fast as the
   * client takes it, so a slow or paused player costs a socket, not memory.
   */
  async read(request: ReadVideoRequest, call: ReadCall): Promise<void> {
    const video = await this.videos.getReadyVideo(request.videoId);
    const size = video.sizeBytes ?? 0;
    const range = resolveRange(size, request.offset, request.length);
    if (!range) {
      throw new DomainError(
        'invalid_argument',
        'RANGE_NOT_SATISFIABLE',
        `The range starts outside the video's ${size} bytes.`,
        [{ field: 'offset', description: `must be from 0 to ${size - 1}` }],
      );
    }
    const abort = new AbortController();
    const onCancelled = () => abort.abort();
    call.once('cancelled', onCancelled);
    try {
      const body = await this.storage.readRange(video.objectKey, range, abort.signal);
      const rechunker = new Rechunker(READ_CHUNK_BYTES);
      let offset = range.start;
      const send = async (chunk: Buffer) => {
        const writable = call.write({ offset, chunk });
        offset += chunk.length;
        if (!writable) await once(call, 'drain', { signal: abort.signal });
      };
      for await (const piece of body as AsyncIterable<Buffer>) {
        for (const chunk of rechunker.push(piece)) await send(chunk);
      }
      const rest = rechunker.flush();
      if (rest) await send(rest);
      if (offset - range.start !== rangeLength(range)) {
        throw new Error(
          `the store returned ${offset - range.start} of ${rangeLength(range)} bytes`,
        );
      }
    } catch (error) {
      // A client that went away needs no answer; the GET and its socket are released above.
      if (abort.signal.aborted) return;
      throw error;
    } finally {
      call.off('cancelled', onCancelled);
      abort.abort();
    }
  }

  async presign(videoId: string, ttlSeconds: number): Promise<PresignedPlayback> {
    const ttl = checkPresignTtl(
      ttlSeconds === 0 ? DEFAULT_PRESIGN_TTL_SECONDS : ttlSeconds,
      'ttl_seconds',
    );
    const video = await this.videos.getReadyVideo(videoId);
    const issuedAt = Date.now();
    const url = await this.storage.presignGet(video.objectKey, ttl);
    if (!url) {
      throw new DomainError(
        'failed_precondition',
        'PLAYBACK_URLS_DISABLED',
        'Presigned playback is not configured (S3_PUBLIC_ENDPOINT is unset).',
      );
    }
    return { url, expireTime: new Date(issuedAt + ttl * 1000) };
  }
}
