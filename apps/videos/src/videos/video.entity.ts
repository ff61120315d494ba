import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Lifecycle of a stored video; `replaced` rows lost their bytes to a newer ready upload. */
export type VideoRowStatus = 'uploading' | 'ready' | 'failed' | 'replaced';

// PostgreSQL bigint arrives as a string; sizes stay far below 2^53.
const bigintAsNumber = {
  to: (value: number | null) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

@Entity({ name: 'videos' })
export class VideoEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'title_id', type: 'uuid' })
  titleId!: string;

  /** Null for movies. */
  @Column({ name: 'episode_id', type: 'uuid', nullable: true })
  episodeId!: string | null;

  @Column({ type: 'text' })
  status!: VideoRowStatus;

  @Column({ name: 'content_type', type: 'text' })
  contentType!: string;

  @Column({ name: 'declared_size', type: 'bigint', transformer: bigintAsNumber })
  declaredSize!: number;

  @Column({ name: 'size_bytes', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  sizeBytes!: number | null;

  @Column({ type: 'text', nullable: true })
  sha256!: string | null;

  @Column({ name: 'duration_seconds', type: 'double precision', nullable: true })
  durationSeconds!: number | null;

  @Column({ type: 'integer', nullable: true })
  width!: number | null;

  @Column({ type: 'integer', nullable: true })
  height!: number | null;

  @Column({ type: 'text', array: true })
  codecs!: string[];

  @Column({ name: 'object_key', type: 'text' })
  objectKey!: string;

  /** The S3 multipart upload while one is open, so an operator can abort leftovers. */
  @Column({ name: 'upload_id', type: 'text', nullable: true })
  uploadId!: string | null;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
