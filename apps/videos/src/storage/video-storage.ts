import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  ListMultipartUploadsCommand,
  UploadPartCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { VideosConfig } from '../config';
import { VIDEOS_CONFIG } from '../videos.constants';
import { rangeHeader, type ByteRange } from './byte-range';

export interface OpenMultipartUpload {
  key: string;
  uploadId: string;
  initiated: Date;
}

const SILENT = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** An S3 client of the configured store (shared with the artwork store: one bucket, one setup). */
export function client(
  config: VideosConfig,
  endpoint: string,
  options: Pick<S3ClientConfig, 'maxAttempts' | 'logger'> = {},
): S3Client {
  return new S3Client({
    endpoint,
    ...options,
    region: config.S3_REGION,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
    // Without `credentials` the SDK resolves them through its default provider chain.
    ...(config.S3_CREDENTIALS === 'static'
      ? {
          credentials: {
            accessKeyId: config.S3_ACCESS_KEY_ID,
            secretAccessKey: config.S3_SECRET_ACCESS_KEY,
          },
        }
      : {}),
    // The service hashes every byte itself (SHA-256); the SDK's extra CRC32 of each body would
    // only cost CPU and needs newer MinIO releases.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** The video bucket, through the real S3 SDK (MinIO in the chart, the embedded server locally). */
@Injectable()
export class VideoStorage implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(VideoStorage.name);
  private readonly s3: S3Client;
  private readonly publicS3: S3Client | null;
  private readonly bucket: string;

  /**
   * For bodies streamed as they arrive: one attempt (a stream cannot be replayed, so the SDK
   * never retries one anyway), and no console line of the SDK's own at each failure: the error
   * reaches the upload, which reports it.
   */
  private readonly streamingS3: S3Client;

  constructor(@Inject(VIDEOS_CONFIG) config: VideosConfig) {
    this.s3 = client(config, config.S3_ENDPOINT);
    this.streamingS3 = client(config, config.S3_ENDPOINT, { maxAttempts: 1, logger: SILENT });
    this.publicS3 = config.S3_PUBLIC_ENDPOINT ? client(config, config.S3_PUBLIC_ENDPOINT) : null;
    this.bucket = config.S3_BUCKET;
  }

  /** Creates the bucket when it is missing; an unreachable store only fails uploads, not boot. */
  async onModuleInit(): Promise<void> {
    try {
      await this.s3.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      if (!isNotFound(error)) {
        this.logger.warn(`bucket ${this.bucket} not checked: ${describe(error)}`);
        return;
      }
      await this.s3.send(new CreateBucketCommand({ Bucket: this.bucket })).catch((e: unknown) => {
        this.logger.warn(`bucket ${this.bucket} not created: ${describe(e)}`);
      });
    }
  }

  onModuleDestroy(): void {
    this.s3.destroy();
    this.streamingS3.destroy();
    this.publicS3?.destroy();
  }

  /** Stores an object from a stream of `length` bytes (see StreamedBody). */
  async putObject(
    key: string,
    body: Readable,
    length: number,
    contentType: string,
    signal: AbortSignal,
  ): Promise<void> {
    await this.streamingS3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: body,
        ContentLength: length,
        ContentType: contentType,
      }),
      { abortSignal: signal },
    );
  }

  async createMultipartUpload(key: string, contentType: string): Promise<string> {
    const created = await this.s3.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: contentType }),
    );
    if (!created.UploadId) throw new Error('CreateMultipartUpload returned no upload id');
    return created.UploadId;
  }

  /** Stores one part from a stream of `length` bytes (see StreamedBody). */
  async uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable,
    length: number,
    signal: AbortSignal,
  ): Promise<CompletedPart> {
    const uploaded = await this.streamingS3.send(
      new UploadPartCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: partNumber,
        Body: body,
        ContentLength: length,
      }),
      { abortSignal: signal },
    );
    return { PartNumber: partNumber, ETag: uploaded.ETag };
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: CompletedPart[]) {
    await this.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
  }

  /** Aborts a multipart upload (its parts go); one that is already gone counts as aborted. */
  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    try {
      await this.s3.send(
        new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }),
      );
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** Every multipart upload open under `prefix`, page by page. */
  async *listMultipartUploads(prefix: string): AsyncGenerator<OpenMultipartUpload> {
    // The SDK has no paginator for this listing: follow its markers.
    let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
    for (;;) {
      const page = await this.s3.send(
        new ListMultipartUploadsCommand({ Bucket: this.bucket, Prefix: prefix, ...markers }),
      );
      for (const upload of page.Uploads ?? []) {
        if (upload.Key && upload.UploadId && upload.Initiated) {
          yield { key: upload.Key, uploadId: upload.UploadId, initiated: upload.Initiated };
        }
      }
      if (!page.IsTruncated) return;
      markers = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
    }
  }

  async deleteObject(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  /** A ranged GET, streamed: the body is read as the caller consumes it. */
  async readRange(key: string, range: ByteRange, signal: AbortSignal): Promise<Readable> {
    const object = await this.s3.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: rangeHeader(range) }),
      { abortSignal: signal },
    );
    if (!object.Body) throw new Error('GetObject returned no body');
    // In Node the SDK's body is an http.IncomingMessage (a Readable).
    return object.Body as Readable;
  }

  /** A presigned GET on the public endpoint; null when no public endpoint is configured. */
  async presignGet(key: string, ttlSeconds: number): Promise<string | null> {
    return this.publicS3 ? this.presign(this.publicS3, key, ttlSeconds) : null;
  }

  /**
   * A presigned GET on the endpoint this service itself uses (inside the deployment): how the
   * gateway reads the bytes of a video it plays without this service deciding each request.
   */
  presignInternalGet(key: string, ttlSeconds: number): Promise<string> {
    return this.presign(this.s3, key, ttlSeconds);
  }

  private presign(s3: S3Client, key: string, ttlSeconds: number): Promise<string> {
    return getSignedUrl(s3, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: ttlSeconds,
    });
  }
}

export function isNotFound(error: unknown): boolean {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return status === 404;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
