import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { VideosConfig } from '../config';
import { client, isNotFound } from '../storage/video-storage';
import { VIDEOS_CONFIG } from '../videos.constants';

/** The object key of one variant of a stored artwork key. */
export function variantObjectKey(artworkKey: string, width: number): string {
  return `${artworkKey}/${width}.webp`;
}

/**
 * Artwork objects in the video bucket, under `artwork/`. Small, whole-object reads and writes:
 * a variant is at most a few hundred KiB, so it is sent and received as one buffer.
 */
@Injectable()
export class ArtworkStore implements OnModuleDestroy {
  private readonly s3: S3Client;
  private readonly bucket: string;

  constructor(@Inject(VIDEOS_CONFIG) config: VideosConfig) {
    this.s3 = client(config, config.S3_ENDPOINT);
    this.bucket = config.S3_BUCKET;
  }

  onModuleDestroy(): void {
    this.s3.destroy();
  }

  async put(key: string, image: Buffer): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: image,
        ContentType: 'image/webp',
      }),
    );
  }

  /** The object's bytes, or null when there is none. */
  async get(key: string): Promise<Buffer | null> {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!object.Body) return null;
      return Buffer.from(await object.Body.transformToByteArray());
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }
}
