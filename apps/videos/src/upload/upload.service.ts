import { Metadata, type ServerReadableStream } from '@grpc/grpc-js';
import type { UploadVideoRequest, UploadVideoResponse, Video } from '@kinema/contracts';
import { DomainError } from '@kinema/platform';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import type { VideosConfig } from '../config';
import { createVideoProbe } from '../probe/video-probe';
import { VideoStorage } from '../storage/video-storage';
import { UPLOAD_PART_BYTES, VIDEO_ID_METADATA, VIDEOS_CONFIG } from '../videos.constants';
import { toVideoMessage } from '../videos/video.mapper';
import { VideosService } from '../videos/videos.service';
import { ObjectWriter } from './object-writer';
import {
  classifyUploadFailure,
  sizeMismatch,
  UploadCancelledError,
  UploadEndedShortError,
} from './upload-errors';
import { parseUploadMetadata, type UploadRequest } from './upload-request';
import { UploadSweeper } from './upload-sweeper';

type UploadCall = ServerReadableStream<UploadVideoRequest, UploadVideoResponse>;

/**
 * Streams one upload to storage. Every byte goes once through the SHA-256, the container probe
 * and the object writer, in order; the next message is only read once S3 has taken the current
 * one, so an upload holds only the bytes in flight whatever the file size, and at most
 * UPLOAD_MAX_CONCURRENT uploads run at once (more are refused UNAVAILABLE before a byte is read).
 * Any failure — an invalid file, a wrong length, a cancelled call, a storage error — removes
 * what was stored and marks the row failed (with VideoFailed) before answering.
 */
@Injectable()
export class UploadService {
  private readonly logger = new Logger(UploadService.name);

  constructor(
    @Inject(VIDEOS_CONFIG) private readonly config: VideosConfig,
    private readonly videos: VideosService,
    private readonly storage: VideoStorage,
    private readonly sweeper: UploadSweeper,
  ) {}

  private active = 0;

  async upload(call: UploadCall): Promise<Video> {
    if (this.active >= this.config.UPLOAD_MAX_CONCURRENT) {
      throw new DomainError(
        'unavailable',
        'UPLOADS_BUSY',
        `This server stores ${this.config.UPLOAD_MAX_CONCURRENT} uploads at once already; try again shortly.`,
      );
    }
    this.active += 1;
    try {
      return await this.receive(call);
    } finally {
      this.active -= 1;
    }
  }

  private async receive(call: UploadCall): Promise<Video> {
    // A cancelled call (client gone, deadline passed) ends the message stream with an error, so
    // the loop below stops at its next read, after any storage request in flight has settled.
    const onCancelled = () => call.destroy(new UploadCancelledError());
    call.once('cancelled', onCancelled);
    try {
      const messages = call[Symbol.asyncIterator]() as AsyncIterator<UploadVideoRequest>;
      const first = await messages.next();
      const request = parseUploadMetadata(
        first.done ? undefined : first.value.metadata,
        this.config.UPLOAD_MAX_BYTES,
      );
      const video = await this.videos.startUpload({ id: randomUUID(), ...request });
      const untrack = this.sweeper.track(video.id);
      try {
        const announced = new Metadata();
        announced.set(VIDEO_ID_METADATA, video.id);
        call.sendMetadata(announced);
        return await this.store(video.id, video.objectKey, request, messages, () => call.cancelled);
      } finally {
        untrack();
      }
    } finally {
      call.off('cancelled', onCancelled);
    }
  }

  private async store(
    id: string,
    key: string,
    request: UploadRequest,
    messages: AsyncIterator<UploadVideoRequest>,
    cancelled: () => boolean,
  ): Promise<Video> {
    const writer = new ObjectWriter(
      this.storage,
      key,
      request.contentType,
      request.declaredSize,
      UPLOAD_PART_BYTES,
      (uploadId) => this.videos.recordUploadId(id, uploadId),
    );
    const probe = createVideoProbe(request.contentType);
    const hash = createHash('sha256');
    let received = 0;
    try {
      for (let next = await messages.next(); !next.done; next = await messages.next()) {
        const chunk = next.value.chunk;
        if (!chunk || next.value.metadata) {
          throw new DomainError(
            'invalid_argument',
            'UPLOAD_CHUNK_EXPECTED',
            'Every message after the first must carry a chunk of the file.',
          );
        }
        received += chunk.length;
        if (received > request.declaredSize) throw sizeMismatch(request.declaredSize, null);
        hash.update(chunk);
        probe.push(chunk);
        await writer.write(chunk);
      }
      if (received !== request.declaredSize) {
        throw new UploadEndedShortError(request.declaredSize, received);
      }
      const probed = await probe.finish();
      const sha256 = hash.digest('hex');
      await writer.complete();
      const outcome = await this.videos.completeUpload(id, {
        ...probed,
        sizeBytes: received,
        sha256,
      });
      // Only now, with the new video playable, do the bytes of the one it replaces go.
      await this.deleteReplaced(outcome.replacedObjectKeys);
      return toVideoMessage(outcome.video);
    } catch (error) {
      await writer.discard().catch((cleanupError: unknown) => {
        this.logger.error(`upload ${id}: stored bytes not removed: ${describe(cleanupError)}`);
      });
      // Classified once the stored bytes are gone, the last moment before anything is recorded:
      // the reset of a cancelled call that ended its stream short has had the abort of its
      // multipart upload to arrive. (A single PutObject has no such round trip: a small upload
      // cut short can still be recorded as short when its reset comes later.)
      const failure = classifyUploadFailure(error, request.contentType, cancelled());
      if (failure.unexpected) {
        this.logger.error(`upload ${id} failed: ${describe(error)}`);
      }
      await this.videos.failUpload(id, failure.reason).catch((dbError: unknown) => {
        this.logger.error(`upload ${id}: not marked failed: ${describe(dbError)}`);
      });
      throw failure.error;
    }
  }

  private async deleteReplaced(keys: string[]): Promise<void> {
    for (const key of keys) {
      await this.storage.deleteObject(key).catch((error: unknown) => {
        // The row already says `replaced`; the orphan costs space, not correctness.
        this.logger.warn(`replaced object ${key} not deleted: ${describe(error)}`);
      });
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
