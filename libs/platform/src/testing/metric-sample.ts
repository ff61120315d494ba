/** The value of one series of a Prometheus text exposition, 0 when absent. */
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
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}
