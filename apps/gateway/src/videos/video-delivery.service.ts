import { status as GrpcStatus } from '@grpc/grpc-js';
import { Inject, Injectable } from '@nestjs/common';
import type { Video } from '@kinema/contracts';
import { decodeGrpcError, isServiceError } from '@kinema/platform/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { Counter } from 'prom-client';
import { decideRange, matchesIfNoneMatch } from './byte-range';
import { readObjectRange } from './object-range-reader';
import type { PlayableVideo } from './playable-videos';
import { rangeNotSatisfiable } from './video-problems';
import { VideosClient } from './videos.client';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

export interface PlaybackSettings {
  mode: 'proxy' | 'redirect';
  presignTtlSeconds: number;
}

/**
 * Bytes of video answers written to players' connections (headers included), counted from the
 * socket when each answer closes: a range a player abandons counts what it really got.
 */
const playbackBytes = new Counter({
  name: 'gateway_playback_bytes_total',
  help: 'Bytes of video answers written to players (proxied playback), headers included.',
});

/** Adds what the socket writes for this answer to the playback bytes once it closes. */
function countPlaybackBytes(reply: FastifyReply): void {
  const socket = reply.raw.socket;
  if (!socket) return;
  // HTTP/1.1 answers on one connection go out one after the other, so the socket's count moves
  // by this answer's bytes alone between now and its close.
  const before = socket.bytesWritten;
  reply.raw.once('close', () => playbackBytes.inc(Math.max(0, socket.bytesWritten - before)));
}

/** Answers a GET or HEAD of a video: ranges, validators, and the bytes or a redirect. */
@Injectable()
export class VideoDelivery {
  constructor(
    private readonly videos: VideosClient,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.settings = {
      mode: config.PLAYBACK_MODE,
      presignTtlSeconds: config.PLAYBACK_PRESIGN_TTL_SECONDS,
    };
  }

  private readonly settings: PlaybackSettings;

  async serve(
    request: FastifyRequest,
    reply: FastifyReply,
    { video, readUrl }: PlayableVideo,
  ): Promise<void> {
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
    // Opened before the status is set, so a store failure is answered as a problem alone.
    const head = request.method === 'HEAD';
    const body = head ? undefined : await this.read(reply, readUrl, start, end);
    if (!head && !body) return;
    if (body) countPlaybackBytes(reply);
    void reply
      .header('content-type', video.contentType)
      .header('content-length', String(end - start + 1));
    if (decision.kind === 'partial') {
      void reply.status(206).header('content-range', `bytes ${start}-${end}/${size}`);
    } else {
      void reply.status(200);
    }
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
   * Reads the range from the store with the read URL the videos service issued and pipes the
   * socket into the reply: the gateway copies no byte itself and the pipe's back-pressure makes a
   * slow or paused player slow the read, not fill memory. A client that goes away aborts the read.
   */
  private async read(
    reply: FastifyReply,
    readUrl: string,
    start: number,
    end: number,
  ): Promise<Readable | undefined> {
    const abort = new AbortController();
    let body: Readable | undefined;
    reply.raw.once('close', () => {
      if (!body?.readableEnded) abort.abort();
    });
    try {
      body = await readObjectRange(readUrl, start, end, abort.signal);
      return body;
    } catch (error) {
      // The client left before the store answered: nobody to answer.
      if (abort.signal.aborted) return undefined;
      throw error;
    }
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
