import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { noSuchBucket, noSuchKey, S3Error } from './s3-error';
import { KeyedLock, listDir, readJson, writeJsonAtomic } from './store-files';

/** Headers and metadata stored with an object and replayed on GET/HEAD. */
export interface ObjectAttributes {
  /** content-type, content-encoding, cache-control, ... as sent on upload (lower-case names). */
  headers: Record<string, string>;
  /** User metadata: x-amz-meta-NAME stored as NAME. */
  metadata: Record<string, string>;
}

export interface StoredObject extends ObjectAttributes {
  key: string;
  size: number;
  /** Unquoted ETag: hex MD5, or MD5-of-MD5s with a "-N" suffix for multipart objects. */
  etag: string;
  lastModified: string;
  /** Body file name inside the bucket's objects directory; a fresh name per write. */
  bodyFile: string;
}

interface BucketState {
  created: string;
  objects: Map<string, StoredObject>;
}

/** Runs before a write commits, with the object it would replace (for If-Match / If-None-Match). */
export type WritePrecondition = (existing: StoredObject | undefined) => void;

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export const isValidBucketName = (name: string): boolean =>
  BUCKET_NAME.test(name) && !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name);

// Object keys never become paths: files are named by a hash of the key, so no key (however many
// "../" it holds) can reach outside the data directory, and any byte sequence S3 allows is storable.
const keyHash = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/**
 * The dev server's object storage: bodies and JSON sidecars on disk (so data survives restarts), with an
 * in-memory index for lookups and listings. Every write lands in a temp file first and is
 * renamed into place, so readers never see a partial object.
 */
export class ObjectStore {
  private readonly buckets = new Map<string, BucketState>();
  private readonly locks = new KeyedLock();

  private constructor(readonly dataDir: string) {}

  /** Opens (creating if needed) a data directory and loads its index. */
  static async open(dataDir: string): Promise<ObjectStore> {
    const store = new ObjectStore(dataDir);
    await rm(join(dataDir, 'tmp'), { recursive: true, force: true });
    await mkdir(join(dataDir, 'tmp'), { recursive: true });
    await mkdir(join(dataDir, 'buckets'), { recursive: true });
    for (const name of await listDir(join(dataDir, 'buckets'))) {
      if (isValidBucketName(name)) await store.loadBucket(name);
    }
    return store;
  }

  /** A fresh path in the store's temp directory, on the same filesystem as the data. */
  tempPath(): string {
    return join(this.dataDir, 'tmp', randomUUID());
  }

  listBuckets(): { name: string; created: string }[] {
    return [...this.buckets]
      .map(([name, state]) => ({ name, created: state.created }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  async createBucket(name: string): Promise<void> {
    if (!isValidBucketName(name))
      throw new S3Error('InvalidBucketName', 400, `The specified bucket is not valid: ${name}`);
    if (this.buckets.has(name))
      throw new S3Error(
        'BucketAlreadyOwnedByYou',
        409,
        `Your previous request to create the named bucket succeeded and you already own it: ${name}`,
      );
    const created = new Date().toISOString();
    await mkdir(join(this.bucketDir(name), 'objects'), { recursive: true });
    await writeJsonAtomic(join(this.bucketDir(name), 'bucket.json'), { created }, this.tempPath());
    this.buckets.set(name, { created, objects: new Map() });
  }

  async deleteBucket(name: string): Promise<void> {
    if (this.bucket(name).objects.size > 0)
      throw new S3Error(
        'BucketNotEmpty',
        409,
        `The bucket you tried to delete is not empty: ${name}`,
      );
    this.buckets.delete(name);
    await rm(this.bucketDir(name), { recursive: true, force: true });
  }

  /** Objects of a bucket in key order (UTF-16 order, which matches S3's for keys outside the astral planes). */
  sortedObjects(bucket: string): StoredObject[] {
    return [...this.bucket(bucket).objects.values()].sort((a, b) =>
      a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
    );
  }

  findObject(bucket: string, key: string): StoredObject | undefined {
    return this.bucket(bucket).objects.get(key);
  }

  getObject(bucket: string, key: string): StoredObject {
    const object = this.findObject(bucket, key);
    if (!object) throw noSuchKey(key);
    return object;
  }

  bodyPath(bucket: string, object: StoredObject): string {
    return join(this.bucketDir(bucket), 'objects', object.bodyFile);
  }

  /** Moves a fully received temp file into place as `key`; the temp file is consumed either way. */
  async commitObject(
    bucket: string,
    key: string,
    tempFile: string,
    body: { size: number; etag: string },
    attributes: ObjectAttributes,
    precondition?: WritePrecondition,
  ): Promise<StoredObject> {
    try {
      const { objects } = this.bucket(bucket);
      return await this.locks.run(`${bucket}/${key}`, async () => {
        const previous = objects.get(key);
        precondition?.(previous);
        const dir = join(this.bucketDir(bucket), 'objects');
        const hash = keyHash(key);
        const record: StoredObject = {
          key,
          size: body.size,
          etag: body.etag,
          lastModified: new Date().toISOString(),
          bodyFile: `${hash}-${randomUUID()}.data`,
          ...attributes,
        };
        await rename(tempFile, join(dir, record.bodyFile));
        await writeJsonAtomic(join(dir, `${hash}.json`), record, this.tempPath());
        objects.set(key, record);
        // Open read streams keep the unlinked previous body readable until they finish.
        if (previous) await rm(join(dir, previous.bodyFile), { force: true });
        return record;
      });
    } finally {
      await rm(tempFile, { force: true });
    }
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    const { objects } = this.bucket(bucket);
    await this.locks.run(`${bucket}/${key}`, async () => {
      const previous = objects.get(key);
      if (!previous) return;
      objects.delete(key);
      const dir = join(this.bucketDir(bucket), 'objects');
      await rm(join(dir, `${keyHash(key)}.json`), { force: true });
      await rm(join(dir, previous.bodyFile), { force: true });
    });
  }

  /** Throws NoSuchBucket unless the bucket exists. */
  requireBucket(name: string): void {
    this.bucket(name);
  }

  private bucket(name: string): BucketState {
    const state = this.buckets.get(name);
    if (!state) throw noSuchBucket(name);
    return state;
  }

  private bucketDir(name: string): string {
    return join(this.dataDir, 'buckets', name);
  }

  private async loadBucket(name: string): Promise<void> {
    const dir = this.bucketDir(name);
    const info = await readJson<{ created: string }>(join(dir, 'bucket.json'));
    const created = info?.created ?? (await stat(dir)).mtime.toISOString();
    const objects = new Map<string, StoredObject>();
    const files = await listDir(join(dir, 'objects'));
    for (const file of files.filter((f) => f.endsWith('.json'))) {
      const record = await readJson<StoredObject>(join(dir, 'objects', file));
      if (record && files.includes(record.bodyFile)) objects.set(record.key, record);
    }
    // Bodies no sidecar points at are leftovers of a crash between rename and sidecar write.
    const referenced = new Set([...objects.values()].map((object) => object.bodyFile));
    for (const file of files.filter((f) => f.endsWith('.data') && !referenced.has(f)))
      await rm(join(dir, 'objects', file), { force: true });
    this.buckets.set(name, { created, objects });
  }
}
