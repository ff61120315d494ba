/** Lifecycle of a stored video; `replaced` rows lost their bytes to a newer ready upload. */
export type VideoRowStatus = 'uploading' | 'ready' | 'failed' | 'replaced';

/** One row of the videos table, as the repository reads it. */
export interface VideoRow {
  id: string;
  titleId: string;
  /** Null for movies. */
  episodeId: string | null;
  status: VideoRowStatus;
  contentType: string;
  declaredSize: number;
  sizeBytes: number | null;
  sha256: string | null;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  codecs: string[];
  objectKey: string;
  /** The S3 multipart upload while one is open, so it can be aborted if the upload dies. */
  uploadId: string | null;
  failureReason: string | null;
  createdAt: Date;
  updatedAt: Date;
}
