import { status as GrpcStatus } from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';
import type { ReadVideoResponse, Video } from '@kinema/contracts';
import { decodeGrpcError, isServiceError } from '@kinema/platform/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { decideRange, matchesIfNoneMatch } from './byte-range';
import { rangeNotSatisfiable } from './video-problems';
import { VideosClient } from './videos.client';

export interface PlaybackSettings {
  mode: 'proxy' | 'redirect';
  presignTtlSeconds: number;
}

export const PLAYBACK_SETTINGS = Symbol('PLAYBACK_SETTINGS');

// Buffered bytes between the gRPC stream and the socket: two of ReadVideo's 256 KiB chunks.
const BODY_HIGH_WATER_MARK = 512 * 1024;

/** Answers a GET or HEAD of a video: ranges, validators, and the bytes or a redirect. */
@Injectable()
export class VideoDelivery {
  constructor(
    private readonly videos: VideosClient,
    @Inject(PLAYBACK_SETTINGS) private readonly settings: PlaybackSettings,
  ) {}

  async serve(request: FastifyRequest, reply: FastifyReply, video: Video): Promise<void> {
    if (this.settings.mode === 'redirect' && (await this.redirect(reply, video))) return;
    const size = video.sizeBytes;
    const etag = `"${video.sha256}"`;
    void reply.headers({
      'accept-ranges': 'bytes',
      etag,
      // The bytes of a video id never change (its ETag is their hash), but access is checked
      // per request: let the browser keep them, never a shared cache.
      'cache-control': 'private, max-age=3600',
      // <video> elements of other origins (a player page, the browser check) may load it;
      // access is decided by the token or grant, not by the origin.
      'cross-origin-resource-policy': 'cross-origin',
    });
    if (matchesIfNoneMatch(header(request, 'if-none-match'), etag)) {
      await reply.status(304).send();
      return;
    }
    const decision = decideRange(size, etag, header(request, 'range'), header(request, 'if-range'));
    if (decision.kind === 'unsatisfiable') throw rangeNotSatisfiable(size);
    const [start, end] =
      decision.kind === 'partial' ? [decision.start, decision.end] : [0, size - 1];
    void reply
      .header('content-type', video.contentType)
      .header('content-length', String(end - start + 1));
    if (decision.kind === 'partial') {
      void reply.status(206).header('content-range', `bytes ${start}-${end}/${size}`);
    } else {
      void reply.status(200);
    }
    if (request.method === 'HEAD') {
      await reply.send();
      return;
    }
    const body = await this.read(reply, video.id, start, end - start + 1);
    await reply.send(body);
  }

  /** 302 to a presigned URL; false when the videos service has no public endpoint to sign for. */
  private async redirect(reply: FastifyReply, video: Video): Promise<boolean> {
    try {
      const { url } = await this.videos.presignPlayback(video.id, this.settings.presignTtlSeconds);
      await reply.status(302).header('location', url).header('cache-control', 'no-store').send();
      return true;
    } catch (error) {
      if (isServiceError(error) && error.code === GrpcStatus.FAILED_PRECONDITION) {
        const decoded = decodeGrpcError(error);
        if (decoded.errorCode === 'PLAYBACK_URLS_DISABLED') return false;
      }
      throw error;
    }
  }

  /**
   * Opens ReadVideo and waits for its first chunk, so a failure (video replaced meanwhile, store
   * down) still gets a proper error answer instead of a truncated 200. The body then pulls one
   * message at a time: grpc-js reads the next message only when asked, so a slow client slows
   * the read from S3 instead of filling memory. A client that goes away cancels the call.
   */
  private async read(
    reply: FastifyReply,
    videoId: string,
    offset: number,
    length: number,
  ): Promise<Readable> {
    const call = this.videos.readVideo(videoId, offset, length);
    reply.raw.once('close', () => call.cancel());
    const messages: AsyncIterator<ReadVideoResponse> = call[Symbol.asyncIterator]();
    let first: IteratorResult<ReadVideoResponse>;
    try {
      first = await messages.next();
    } catch (error) {
      call.cancel();
      throw error;
    }
    async function* chunks(): AsyncGenerator<Buffer> {
      try {
        let next = first;
        while (!next.done) {
          yield next.value.chunk;
          next = await messages.next();
        }
      } finally {
        call.cancel();
      }
    }
    return Readable.from(chunks(), { objectMode: false, highWaterMark: BODY_HIGH_WATER_MARK });
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
