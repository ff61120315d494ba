import type { CompletedPart } from '@aws-sdk/client-s3';
import { Rechunker } from '../storage/rechunker';
import type { VideoStorage } from '../storage/video-storage';

/**
 * Writes one upload to its object: a single PutObject when the declared size fits one part,
 * otherwise an S3 multipart upload fed one part at a time. At most one part is held in memory
 * and the next bytes are not taken until the part is stored, which is what back-pressures the
 * gRPC stream (and, through HTTP/2 flow control, the client).
 */
export class ObjectWriter {
  private readonly rechunker: Rechunker;
  private readonly small: Buffer[] = [];
  private readonly parts: CompletedPart[] = [];
  private uploadId: string | null = null;
  private stored = false;

  constructor(
    private readonly storage: VideoStorage,
    private readonly key: string,
    private readonly contentType: string,
    private readonly declaredSize: number,
    private readonly partSize: number,
    /** Told when a multipart upload opens (its id) and when it is closed (null). */
    private readonly onMultipart: (uploadId: string | null) => Promise<void>,
  ) {
    this.rechunker = new Rechunker(partSize);
  }

  private get multipart(): boolean {
    return this.declaredSize > this.partSize;
  }

  async write(chunk: Buffer): Promise<void> {
    if (!this.multipart) {
      // The caller never lets more than the declared size (at most one part) through.
      this.small.push(chunk);
      return;
    }
    for (const part of this.rechunker.push(chunk)) await this.sendPart(part);
  }

  /** Stores the last bytes and makes the object whole, with its user metadata. */
  async complete(metadata: Record<string, string>): Promise<void> {
    if (!this.multipart) {
      await this.storage.putObject(this.key, Buffer.concat(this.small), this.contentType, metadata);
      this.small.length = 0;
      this.stored = true;
      return;
    }
    const rest = this.rechunker.flush();
    if (rest) await this.sendPart(rest);
    const uploadId = this.requireUploadId();
    await this.storage.completeMultipartUpload(this.key, uploadId, this.parts);
    this.stored = true;
    this.uploadId = null;
    await this.onMultipart(null);
    await this.storage.replaceMetadata(this.key, this.contentType, metadata);
  }

  /** Leaves nothing behind: no open multipart upload (so no parts), no object. */
  async discard(): Promise<void> {
    this.small.length = 0;
    this.rechunker.flush();
    if (this.uploadId) {
      // Until the abort succeeds the row keeps the id, so a sweep can finish the job later.
      await this.storage.abortMultipartUpload(this.key, this.uploadId);
      this.uploadId = null;
      await this.onMultipart(null);
    }
    if (this.stored) {
      await this.storage.deleteObject(this.key);
      this.stored = false;
    }
  }

  private async sendPart(part: Buffer): Promise<void> {
    if (!this.uploadId) {
      this.uploadId = await this.storage.createMultipartUpload(this.key, this.contentType);
      await this.onMultipart(this.uploadId);
    }
    this.parts.push(
      await this.storage.uploadPart(this.key, this.uploadId, this.parts.length + 1, part),
    );
  }

  private requireUploadId(): string {
    if (!this.uploadId) throw new Error('no multipart upload is open');
    return this.uploadId;
  }
}
