import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type {
  ObjectAttributes,
  ObjectStore,
  StoredObject,
  WritePrecondition,
} from './object-store';
import { noSuchUpload, S3Error } from './s3-error';
import { KeyedLock, listDir, readJson, writeJsonAtomic } from './store-files';

export interface MultipartUpload extends ObjectAttributes {
  uploadId: string;
  bucket: string;
  key: string;
  initiated: string;
}

export interface StoredPart {
  partNumber: number;
  size: number;
  etag: string;
  lastModified: string;
}

interface UploadState {
  upload: MultipartUpload;
  parts: Map<number, StoredPart>;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;

async function* concatenate(paths: string[]): AsyncGenerator<Buffer> {
  for (const path of paths) yield* createReadStream(path) as AsyncIterable<Buffer>;
}

/**
 * In-progress multipart uploads: one directory per upload holding its parts and JSON sidecars,
 * so uploads survive restarts. Completion streams the parts into a single new object.
 */
export class UploadStore {
  private readonly uploads = new Map<string, UploadState>();
  private readonly locks = new KeyedLock();

  private constructor(private readonly objects: ObjectStore) {}

  /** Loads the uploads recorded next to an opened object store. */
  static async open(objects: ObjectStore): Promise<UploadStore> {
    const store = new UploadStore(objects);
    const root = join(objects.dataDir, 'uploads');
    await mkdir(root, { recursive: true });
    for (const uploadId of await listDir(root)) {
      const upload = await readJson<MultipartUpload>(join(root, uploadId, 'upload.json'));
      // An upload whose bucket is gone was orphaned by DeleteBucket before a crash.
      if (!upload || !objects.hasBucket(upload.bucket)) {
        await rm(join(root, uploadId), { recursive: true, force: true });
        continue;
      }
      const parts = new Map<number, StoredPart>();
      const files = await listDir(join(root, uploadId));
      for (const file of files.filter((name) => /^\d+\.json$/.test(name))) {
        const part = await readJson<StoredPart>(join(root, uploadId, file));
        if (part && files.includes(`${part.partNumber}.data`)) parts.set(part.partNumber, part);
      }
      store.uploads.set(upload.uploadId, { upload, parts });
    }
    return store;
  }

  async create(
    bucket: string,
    key: string,
    attributes: ObjectAttributes,
  ): Promise<MultipartUpload> {
    this.objects.requireBucket(bucket);
    const upload: MultipartUpload = {
      uploadId: randomUUID().replace(/-/g, ''),
      bucket,
      key,
      initiated: new Date().toISOString(),
      ...attributes,
    };
    await mkdir(this.uploadDir(upload), { recursive: true });
    await writeJsonAtomic(
      join(this.uploadDir(upload), 'upload.json'),
      upload,
      this.objects.tempPath(),
    );
    this.uploads.set(upload.uploadId, { upload, parts: new Map() });
    return upload;
  }

  /** The upload, checked to belong to this bucket and key as S3 does. */
  get(bucket: string, key: string, uploadId: string): MultipartUpload {
    this.objects.requireBucket(bucket);
    const state = this.uploads.get(uploadId);
    if (!state || state.upload.bucket !== bucket || state.upload.key !== key) {
      throw noSuchUpload(uploadId);
    }
    return state.upload;
  }

  /** A bucket's uploads ordered by key, then by initiation time. */
  list(bucket: string): MultipartUpload[] {
    this.objects.requireBucket(bucket);
    return [...this.uploads.values()]
      .map((state) => state.upload)
      .filter((upload) => upload.bucket === bucket)
      .sort((a, b) => {
        if (a.key !== b.key) return a.key < b.key ? -1 : 1;
        return a.initiated < b.initiated ? -1 : 1;
      });
  }

  listParts(upload: MultipartUpload): StoredPart[] {
    return [...this.state(upload).parts.values()].sort((a, b) => a.partNumber - b.partNumber);
  }

  /** Moves a received part into the upload (replacing an earlier part with the same number). */
  async commitPart(
    upload: MultipartUpload,
    partNumber: number,
    tempFile: string,
    body: { size: number; etag: string },
  ): Promise<StoredPart> {
    try {
      const state = this.state(upload);
      const part: StoredPart = {
        partNumber,
        size: body.size,
        etag: body.etag,
        lastModified: new Date().toISOString(),
      };
      await rename(tempFile, join(this.uploadDir(upload), `${partNumber}.data`));
      await writeJsonAtomic(
        join(this.uploadDir(upload), `${partNumber}.json`),
        part,
        this.objects.tempPath(),
      );
      state.parts.set(partNumber, part);
      return part;
    } finally {
      await rm(tempFile, { force: true });
    }
  }

  async abort(upload: MultipartUpload): Promise<void> {
    this.state(upload);
    this.uploads.delete(upload.uploadId);
    await rm(this.uploadDir(upload), { recursive: true, force: true });
  }

  /** Drops every upload of a bucket (DeleteBucket takes them with it). */
  async abortAll(bucket: string): Promise<void> {
    for (const { upload } of [...this.uploads.values()])
      if (upload.bucket === bucket) await this.abort(upload);
  }

  /** Concatenates the named parts into the final object (streamed, never buffered) and ends the upload. */
  async complete(
    upload: MultipartUpload,
    requested: { partNumber: number; etag: string }[],
    precondition?: WritePrecondition,
  ): Promise<StoredObject> {
    return this.locks.run(upload.uploadId, async () => {
      const parts = this.validateParts(upload, requested);
      const temp = this.objects.tempPath();
      const paths = parts.map((part) => join(this.uploadDir(upload), `${part.partNumber}.data`));
      try {
        // One pipeline over all parts keeps backpressure and error handling in a single place.
        await pipeline(Readable.from(concatenate(paths)), createWriteStream(temp, { flags: 'wx' }));
      } catch (error) {
        await rm(temp, { force: true });
        throw error;
      }
      // S3's multipart ETag: MD5 of the concatenated binary part MD5s, then "-<part count>".
      const md5s = Buffer.concat(parts.map((part) => Buffer.from(part.etag, 'hex')));
      const etag = `${createHash('md5').update(md5s).digest('hex')}-${parts.length}`;
      const size = parts.reduce((total, part) => total + part.size, 0);
      const attributes = { headers: upload.headers, metadata: upload.metadata };
      const object = await this.objects.commitObject(
        upload.bucket,
        upload.key,
        temp,
        { size, etag },
        attributes,
        precondition,
      );
      await this.abort(upload);
      return object;
    });
  }

  private validateParts(
    upload: MultipartUpload,
    requested: { partNumber: number; etag: string }[],
  ): StoredPart[] {
    const { parts } = this.state(upload);
    return requested.map(({ partNumber, etag }, index) => {
      if (index > 0 && partNumber <= requested[index - 1].partNumber) {
        throw new S3Error(
          'InvalidPartOrder',
          400,
          'The list of parts was not in ascending order. Parts must be ordered by part number.',
        );
      }
      const part = parts.get(partNumber);
      if (!part || part.etag !== etag) {
        throw new S3Error(
          'InvalidPart',
          400,
          `One or more of the specified parts could not be found or its ETag did not match: part ${partNumber}`,
        );
      }
      if (index < requested.length - 1 && part.size < MIN_PART_SIZE) {
        throw new S3Error(
          'EntityTooSmall',
          400,
          `Your proposed upload is smaller than the minimum allowed object size: part ${partNumber} has ${part.size} bytes`,
        );
      }
      return part;
    });
  }

  private state(upload: MultipartUpload): UploadState {
    const state = this.uploads.get(upload.uploadId);
    if (!state) throw noSuchUpload(upload.uploadId);
    return state;
  }

  private uploadDir(upload: MultipartUpload): string {
    return join(this.objects.dataDir, 'uploads', upload.uploadId);
  }
}
