import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError } from '../api/problem';
import { uploadFile, type Upload, type UploadProgress } from './upload-file';

function formatBytes(bytes: number): string {
  return bytes >= 1_048_576
    ? `${(bytes / 1_048_576).toFixed(1)} MB`
    : `${Math.round(bytes / 1024)} kB`;
}

/**
 * Uploads a video to `path` (a film's or an episode's) with a progress bar: bytes sent, rate,
 * time left, and Cancel.
 */
export function VideoUpload({
  titleId,
  path,
  label,
}: {
  titleId: string;
  path: string;
  /** Names what the video is for, e.g. "Season 1, episode 2". */
  label: string;
}) {
  const client = useQueryClient();
  const [progress, setProgress] = useState<UploadProgress>();
  const [upload, setUpload] = useState<Upload>();
  const [outcome, setOutcome] = useState<string>();
  const start = (file: File) => {
    setOutcome(undefined);
    const next = uploadFile(path, file, setProgress);
    setUpload(next);
    next.done.then(
      (video) => {
        const status = (video as { status?: string }).status ?? 'stored';
        setOutcome(`Upload finished: the video is ${status}.`);
        void client.invalidateQueries({ queryKey: ['title', titleId] });
      },
      (error: unknown) =>
        setOutcome(
          error instanceof DOMException && error.name === 'AbortError'
            ? 'Upload cancelled: nothing was stored.'
            : describeError(error),
        ),
    );
    void next.done.finally(() => setUpload(undefined)).catch(() => undefined);
  };
  return (
    <div className="video-upload">
      <label htmlFor="video-file">Video file for {label.toLowerCase()} (MP4 or WebM)</label>
      <input
        id="video-file"
        type="file"
        accept="video/mp4,video/webm"
        disabled={Boolean(upload)}
        onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) start(file);
        }}
      />
      {progress && (
        <div className="upload-progress">
          <progress
            max={progress.totalBytes}
            value={progress.sentBytes}
            aria-label="Upload progress"
          />
          <p>
            {formatBytes(progress.sentBytes)} of {formatBytes(progress.totalBytes)} sent
            {progress.rate > 0 && ` · ${formatBytes(progress.rate)}/s`}
            {progress.secondsLeft !== undefined &&
              upload &&
              ` · about ${Math.ceil(progress.secondsLeft)} s left`}
          </p>
        </div>
      )}
      {upload && (
        <button type="button" onClick={() => upload.cancel()}>
          Cancel upload
        </button>
      )}
      {outcome && <p role="status">{outcome}</p>}
    </div>
  );
}
