/** The value of one series of a Prometheus or OpenMetrics exposition, 0 when absent. */
export function metricSample(
  exposition: string,
  name: string,
  labels: Record<string, string>,
): number {
  const line = exposition
    .split('\n')
    .find(
      (row) =>
        row.startsWith(`${name}{`) &&
        Object.entries(labels).every(([key, value]) => row.includes(`${key}="${value}"`)),
    );
  // `name{labels} value`, then in OpenMetrics maybe ` # {exemplar labels} value timestamp`.
  return line ? Number(line.slice(line.indexOf('} ') + 2).split(' ')[0]) : 0;
}
