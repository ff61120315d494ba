import type { CompletedPart } from '@aws-sdk/client-s3';
import { StreamedBody } from '../storage/streamed-body';
import type { VideoStorage } from '../storage/video-storage';

/** Parts that may await the store's answer while the next one is written. */
const MAX_PARTS_FINISHING = 1;

/**
 * Writes one upload to its object as the bytes arrive: a single streamed PutObject when the
 * declared size fits one part, otherwise an S3 multipart upload whose parts are each streamed
 * (the declared size fixes every part's length in advance). No part is gathered in memory: a
 * write waits until S3 has taken the bytes, which is what back-pressures the gRPC stream (and,
 * through HTTP/2 flow control, the gateway and its client), so an upload holds only what is in
 * flight whatever its size. (`@aws-sdk/lib-storage`'s Upload would hold whole parts, several at
 * a time: the very memory this avoids.) A part whose bytes are all sent is left to finish (S3
 * answering its ETag) while the next one is written, so the stream does not stop at each of
 * them; at most one part finishes at a time, so memory stays what one part has in flight.
 */
export class ObjectWriter {
  private body: StreamedBody<CompletedPart | void> | null = null;
  private readonly parts: CompletedPart[] = [];
  /** Parts (or the one PutObject) whose bytes are sent, awaiting the store's answer. */
  private finishing: Array<Promise<void>> = [];
  private partCount = 0;
  private uploadId: string | null = null;
  private written = 0;
  private stored = false;

  constructor(
    private readonly storage: VideoStorage,
    private readonly key: string,
    private readonly contentType: string,
    private readonly declaredSize: number,
    private readonly partSize: number,
    /** Told when a multipart upload opens (its id) and when it is closed (null). */
    private readonly onMultipart: (uploadId: string | null) => Promise<void>,
  ) {}

  private get multipart(): boolean {
    return this.declaredSize > this.partSize;
  }

  /** The caller never lets more than the declared size through. */
  async write(chunk: Buffer): Promise<void> {
    let rest = chunk;
    while (rest.length > 0) {
      const body = this.body ?? (await this.open());
      const piece = rest.subarray(0, body.remaining);
      rest = rest.subarray(piece.length);
      await body.write(piece);
      this.written += piece.length;
      if (body.remaining === 0) await this.close(body);
    }
  }

  /**
   * Makes the object whole (every declared byte written). Nothing is written after: the checksum
   * lives in the database, so no server-side copy rewrites the object to attach it (S3 copies at
   * most 5 GiB that way, and it would write every byte twice).
   */
  async complete(): Promise<void> {
    if (this.written !== this.declaredSize || this.body) {
      throw new Error('the object is not complete');
    }
    for (const finished of this.finishing.splice(0)) await finished;
    if (!this.multipart) return;
    await this.storage.completeMultipartUpload(this.key, this.requireUploadId(), this.parts);
    this.stored = true;
    this.uploadId = null;
    await this.onMultipart(null);
  }

  /** Leaves nothing behind: no request in flight, no open multipart upload (so no parts), no object. */
  async discard(): Promise<void> {
    const body = this.body;
    this.body = null;
    await body?.cancel();
    // Settled first: a PutObject that still succeeds leaves an object to delete.
    await Promise.allSettled(this.finishing.splice(0));
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

  private async open(): Promise<StreamedBody<CompletedPart | void>> {
    const length = Math.min(this.partSize, this.declaredSize - this.written);
    if (!this.multipart) {
      this.body = new StreamedBody(length, (body, size, signal) =>
        this.storage.putObject(this.key, body, size, this.contentType, signal),
      );
      return this.body;
    }
    if (!this.uploadId) {
      this.uploadId = await this.storage.createMultipartUpload(this.key, this.contentType);
      await this.onMultipart(this.uploadId);
    }
    const uploadId = this.uploadId;
    this.partCount += 1;
    const partNumber = this.partCount;
    this.body = new StreamedBody(length, (body, size, signal) =>
      this.storage.uploadPart(this.key, uploadId, partNumber, body, size, signal),
    );
    return this.body;
  }

  private async close(body: StreamedBody<CompletedPart | void>): Promise<void> {
    this.body = null;
    const finished = body.finish().then((part) => {
      if (!part) this.stored = true;
      else if (part.PartNumber) this.parts[part.PartNumber - 1] = part;
    });
    // Observed below or by complete()/discard(); this keeps it from going unhandled meanwhile.
    finished.catch(() => undefined);
    this.finishing.push(finished);
    while (this.finishing.length > MAX_PARTS_FINISHING) await this.finishing.shift();
  }

  private requireUploadId(): string {
    if (!this.uploadId) throw new Error('no multipart upload is open');
    return this.uploadId;
  }
}
