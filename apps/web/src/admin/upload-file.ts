import { refreshSession } from '../api/client';
import { toApiError } from '../api/problem';
import { sessionStore } from '../auth/session';

export interface UploadProgress {
  sentBytes: number;
  totalBytes: number;
  /** Bytes per second since the upload began. */
  rate: number;
  /** Seconds left at that rate; undefined until there is a rate. */
  secondsLeft: number | undefined;
}

export interface Upload {
  done: Promise<unknown>;
  cancel(): void;
}

/**
 * Uploads a file (a video, an image) as the request body. XMLHttpRequest rather than fetch: fetch reports no
 * upload progress, and the progress bar (bytes sent, rate, time left) is the point.
 */
export function uploadFile(
  url: string,
  file: File,
  onProgress: (progress: UploadProgress) => void,
): Upload {
  const request = new XMLHttpRequest();
  const started = performance.now();
  const done = (async () => {
    const session = sessionStore.get();
    if (session && session.accessTokenExpiresAt - Date.now() < 60_000) await refreshSession();
    return new Promise<unknown>((resolve, reject) => {
      request.open('POST', url);
      request.setRequestHeader('content-type', file.type || 'application/octet-stream');
      const token = sessionStore.get()?.accessToken;
      if (token) request.setRequestHeader('authorization', `Bearer ${token}`);
      request.responseType = 'json';
      request.upload.onprogress = (event) => {
        const seconds = (performance.now() - started) / 1000;
        const rate = seconds > 0 ? event.loaded / seconds : 0;
        onProgress({
          sentBytes: event.loaded,
          totalBytes: event.total || file.size,
          rate,
          secondsLeft: rate > 0 ? (file.size - event.loaded) / rate : undefined,
        });
      };
      request.onload = () => {
        const response = new Response(null, { status: request.status });
        if (request.status >= 200 && request.status < 300) resolve(request.response);
        else reject(toApiError(response, request.response));
      };
      request.onerror = () => reject(new TypeError('upload failed'));
      request.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
      request.send(file);
    });
  })();
  return { done, cancel: () => request.abort() };
}
