import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { VideosConfig } from '../config';
import { VIDEO_KEY_PREFIX } from '../storage/object-key';
import { VideoStorage } from '../storage/video-storage';
import { VIDEOS_CONFIG } from '../videos.constants';
import { VideosService } from '../videos/videos.service';

/** What one sweep cleaned up. */
export interface SweepOutcome {
  /** Uploads found abandoned (no replica marked them alive) and marked failed. */
  failed: number;
  /** Multipart uploads aborted, with their parts. */
  aborted: number;
}

/**
 * Finishes what dead uploads left behind, on every replica, every UPLOAD_SWEEP_INTERVAL_MS:
 * - each replica first marks its own uploads in progress alive (updated_at), so a long upload is
 *   never taken for dead, however long it takes;
 * - an upload nobody marked alive for UPLOAD_STALE_AFTER_MS (its replica crashed) is failed,
 *   with VideoFailed;
 * - a settled video still naming a multipart upload (its abort failed, e.g. S3 was down) gets
 *   the abort again, and forgets the id only once it succeeds;
 * - a multipart upload in the bucket that no upload in progress owns, older than the stale age
 *   (its id was never recorded: the database failed at that moment), is aborted.
 * Every step is idempotent, so replicas sweeping at once only repeat each other.
 */
@Injectable()
export class UploadSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(UploadSweeper.name);
  private readonly inFlight = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SweepOutcome> | undefined;

  constructor(
    @Inject(VIDEOS_CONFIG) private readonly config: VideosConfig,
    private readonly videos: VideosService,
    private readonly storage: VideoStorage,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.sweep().catch((error: unknown) => {
        this.logger.warn(`upload sweep stopped early, retried next time: ${describe(error)}`);
      });
    }, this.config.UPLOAD_SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** Marks an upload of this replica as in progress until the returned function is called. */
  track(videoId: string): () => void {
    this.inFlight.add(videoId);
    return () => this.inFlight.delete(videoId);
  }

  /** One sweep (a sweep already running is joined, not doubled). */
  sweep(): Promise<SweepOutcome> {
    this.running ??= this.sweepOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sweepOnce(): Promise<SweepOutcome> {
    const outcome: SweepOutcome = { failed: 0, aborted: 0 };
    if (this.inFlight.size > 0) await this.videos.touchUploading([...this.inFlight]);
    const staleMs = this.config.UPLOAD_STALE_AFTER_MS;
    for (const video of await this.videos.staleUploads(staleMs)) {
      const reason = `abandoned: no progress for ${Math.round(staleMs / 1000)} s`;
      if ((await this.videos.failUpload(video.id, reason))?.status === 'failed') {
        outcome.failed += 1;
      }
    }
    const aborted = new Set<string>();
    for (const video of await this.videos.heldUploads()) {
      if (!video.uploadId) continue;
      await this.storage.abortMultipartUpload(video.objectKey, video.uploadId);
      await this.videos.recordUploadId(video.id, null);
      aborted.add(video.uploadId);
    }
    const live = await this.videos.liveUploadIds();
    const cutoff = Date.now() - staleMs;
    for await (const upload of this.storage.listMultipartUploads(VIDEO_KEY_PREFIX)) {
      if (live.has(upload.uploadId) || aborted.has(upload.uploadId)) continue;
      if (upload.initiated.getTime() > cutoff) continue;
      await this.storage.abortMultipartUpload(upload.key, upload.uploadId);
      aborted.add(upload.uploadId);
    }
    outcome.aborted = aborted.size;
    if (outcome.failed > 0 || outcome.aborted > 0) {
      this.logger.log(
        `upload sweep: ${outcome.failed} abandoned upload(s) failed, ${outcome.aborted} multipart upload(s) aborted`,
      );
    }
    return outcome;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
