import { httpRequestDuration } from '@kinema/platform/ops';
import type { AnsweringPath } from '../http/hot-path';

/**
 * How many requests the gateway's latency histogram has counted with these labels (route
 * template, answering path, and the status when given), in this process so far.
 */
export async function requestsMeasured(labels: {
  route: string;
  path: AnsweringPath;
  status?: number;
}): Promise<number> {
  const { values } = await httpRequestDuration.get();
  return values
    .filter(
      (sample) =>
        sample.metricName === 'http_server_request_duration_seconds_count' &&
        sample.labels.route === labels.route &&
        sample.labels.path === labels.path &&
        (labels.status === undefined || sample.labels.status_code === String(labels.status)),
    )
    .reduce((sum, sample) => sum + sample.value, 0);
}
