import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { ProbeResult } from '../probe/probe-result';
import { objectKeyFor } from '../storage/object-key';
import type { VideoRow } from './video.model';

export interface NewUpload {
  id: string;
  titleId: string;
  episodeId: string | null;
  contentType: string;
  declaredSize: number;
}

export interface StoredFile extends ProbeResult {
  sizeBytes: number;
  sha256: string;
}

// bigint sizes arrive as strings from pg; they stay far below 2^53, so they are read as numbers.
// UPDATE ... RETURNING goes through a WITH so TypeORM hands back rows (it answers a bare UPDATE
// with [rows, count]).
const COLUMNS = `id, title_id AS "titleId", episode_id AS "episodeId", status,
  content_type AS "contentType", declared_size::double precision AS "declaredSize",
  size_bytes::double precision AS "sizeBytes", sha256, duration_seconds AS "durationSeconds",
  width, height, codecs, object_key AS "objectKey", upload_id AS "uploadId",
  failure_reason AS "failureReason", created_at AS "createdAt", updated_at AS "updatedAt"`;

/**
 * The videos table's statements. Each takes the EntityManager of the caller, a transaction when
 * a change must commit with its outbox event (the service decides); no transaction is held while
 * bytes stream.
 */
@Injectable()
export class VideosRepository {
  async insertUploading(manager: EntityManager, upload: NewUpload): Promise<VideoRow> {
    const [row] = await manager.query<VideoRow[]>(
      `INSERT INTO videos (id, title_id, episode_id, status, content_type, declared_size, codecs,
         object_key, created_at, updated_at)
       VALUES ($1, $2, $3, 'uploading', $4, $5, '{}', $6, now(), now())
       RETURNING ${COLUMNS}`,
      [
        upload.id,
        upload.titleId,
        upload.episodeId,
        upload.contentType,
        upload.declaredSize,
        objectKeyFor(upload.id),
      ],
    );
    if (!row) throw new Error(`video ${upload.id} was not inserted`);
    return row;
  }

  async recordUploadId(manager: EntityManager, id: string, uploadId: string | null): Promise<void> {
    await manager.query('UPDATE videos SET upload_id = $2, updated_at = now() WHERE id = $1', [
      id,
      uploadId,
    ]);
  }

  /** Marks uploads still in progress here as alive, so no replica's sweep takes them for dead. */
  async touchUploading(manager: EntityManager, ids: string[]): Promise<void> {
    await manager.query(
      `UPDATE videos SET updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'uploading'`,
      [ids],
    );
  }

  /** Uploads nobody has marked alive for `staleMs`: their replica is gone. */
  async findStaleUploading(manager: EntityManager, staleMs: number): Promise<VideoRow[]> {
    return manager.query<VideoRow[]>(
      `SELECT ${COLUMNS} FROM videos
       WHERE status = 'uploading' AND updated_at < now() - make_interval(secs => $1::float8 / 1000)
       ORDER BY updated_at LIMIT 100`,
      [staleMs],
    );
  }

  /** Settled videos that still name a multipart upload: its abort has not succeeded yet. */
  async findHeldUploads(manager: EntityManager): Promise<VideoRow[]> {
    return manager.query<VideoRow[]>(
      `SELECT ${COLUMNS} FROM videos
       WHERE status <> 'uploading' AND upload_id IS NOT NULL ORDER BY updated_at LIMIT 100`,
    );
  }

  /** The multipart upload ids of uploads in progress. */
  async liveUploadIds(manager: EntityManager): Promise<Set<string>> {
    const rows = await manager.query<Array<{ upload_id: string }>>(
      `SELECT upload_id FROM videos WHERE status = 'uploading' AND upload_id IS NOT NULL`,
    );
    return new Set(rows.map((row) => row.upload_id));
  }

  async findById(manager: EntityManager, id: string): Promise<VideoRow | undefined> {
    const rows = await manager.query<VideoRow[]>(`SELECT ${COLUMNS} FROM videos WHERE id = $1`, [
      id,
    ]);
    return rows[0];
  }

  async findPlayable(
    manager: EntityManager,
    titleId: string,
    episodeId: string | null,
  ): Promise<VideoRow | undefined> {
    const rows = await manager.query<VideoRow[]>(
      `SELECT ${COLUMNS} FROM videos
       WHERE title_id = $1 AND episode_id IS NOT DISTINCT FROM $2 AND status = 'ready'`,
      [titleId, episodeId],
    );
    return rows[0];
  }

  /** The row, locked for the rest of the transaction. */
  async lock(manager: EntityManager, id: string): Promise<VideoRow | undefined> {
    const rows = await manager.query<VideoRow[]>(
      `SELECT ${COLUMNS} FROM videos WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0];
  }

  /**
   * Serialises, for the rest of the transaction, whatever changes which video of a title (or an
   * episode) is the playable one.
   */
  async lockPlayableSlot(
    manager: EntityManager,
    titleId: string,
    episodeId: string | null,
  ): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
      `${titleId}/${episodeId ?? ''}`,
    ]);
  }

  /** Retires the ready video of a title (or episode); returns the object keys to delete. */
  async retireReady(
    manager: EntityManager,
    titleId: string,
    episodeId: string | null,
  ): Promise<string[]> {
    const rows = await manager.query<Array<{ object_key: string }>>(
      `WITH retired AS (
         UPDATE videos SET status = 'replaced', updated_at = now()
         WHERE title_id = $1 AND episode_id IS NOT DISTINCT FROM $2 AND status = 'ready'
         RETURNING object_key)
       SELECT object_key FROM retired`,
      [titleId, episodeId],
    );
    return rows.map((row) => row.object_key);
  }

  async markReady(manager: EntityManager, id: string, file: StoredFile): Promise<VideoRow> {
    const [row] = await manager.query<VideoRow[]>(
      `WITH changed AS (
         UPDATE videos SET status = 'ready', size_bytes = $2, sha256 = $3, duration_seconds = $4,
           width = $5, height = $6, codecs = $7, upload_id = NULL, updated_at = now()
         WHERE id = $1 RETURNING *)
       SELECT ${COLUMNS} FROM changed`,
      [id, file.sizeBytes, file.sha256, file.durationSeconds, file.width, file.height, file.codecs],
    );
    if (!row) throw new Error(`video ${id} vanished while it was marked ready`);
    return row;
  }

  async markFailed(manager: EntityManager, id: string, reason: string): Promise<VideoRow> {
    const [row] = await manager.query<VideoRow[]>(
      `WITH changed AS (
         UPDATE videos SET status = 'failed', failure_reason = $2,
           updated_at = now()
         WHERE id = $1 RETURNING *)
       SELECT ${COLUMNS} FROM changed`,
      [id, reason],
    );
    if (!row) throw new Error(`video ${id} vanished while it was marked failed`);
    return row;
  }
}
