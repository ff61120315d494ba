import { LoadStats, type Sample } from './load-stats';

const sample = (overrides: Partial<Sample>): Sample => ({
  route: 'GET /api/v1/browse',
  status: 200,
  latencyMs: 10,
  atMs: 0,
  ...overrides,
});

describe('load statistics', () => {
  it('gives percentiles within 0.1% of the exact ones, whatever the order', () => {
    const stats = new LoadStats();
    const latencies = Array.from({ length: 1000 }, (_, i) => (i + 1) / 10);
    for (const latencyMs of [...latencies].reverse()) stats.record(sample({ latencyMs }));
    const [row] = stats.summary().rows;
    expect(row?.p50Ms).toBeCloseTo(50, 0);
    expect(Math.abs((row?.p50Ms ?? 0) - 50) / 50).toBeLessThanOrEqual(0.001);
    expect(Math.abs((row?.p90Ms ?? 0) - 90) / 90).toBeLessThanOrEqual(0.001);
    expect(Math.abs((row?.p99Ms ?? 0) - 99) / 99).toBeLessThanOrEqual(0.001);
    expect(row?.maxMs).toBeCloseTo(100, 0);
    expect(row?.p99Ms).toBeLessThanOrEqual(row?.maxMs ?? 0);
  });

  it('rates and percentiles cover the last interval only; counts cover the whole run', () => {
    const stats = new LoadStats();
    for (let i = 0; i < 10; i++) stats.record(sample({ latencyMs: 100 }));
    const first = stats.takeInterval(2).rows[0];
    expect(first).toMatchObject({ requestsPerSecond: 5, requests: 10 });
    expect(first?.p50Ms).toBeCloseTo(100, 0);
    for (let i = 0; i < 3; i++) stats.record(sample({ latencyMs: 1 }));
    const second = stats.takeInterval(2).rows[0];
    expect(second).toMatchObject({ requestsPerSecond: 1.5, requests: 13 });
    expect(second?.p99Ms).toBeCloseTo(1, 1);
    const quiet = stats.takeInterval(2).rows[0];
    expect(quiet).toMatchObject({ requestsPerSecond: 0, requests: 13 });
    expect(quiet?.p50Ms).toBeUndefined();
  });

  it('counts 5xx and no answer as errors, 429 as limited, other 4xx apart, per route and in total', () => {
    const stats = new LoadStats();
    for (const status of [200, 503, 0, 429, 429, 412, 401, 304])
      stats.record(
        sample({ status, route: status === 401 ? 'POST /api/v1/auth/login' : 'GET /x' }),
      );
    const { rows, total } = stats.summary();
    expect(rows.map((row) => [row.route, row.errors, row.limited, row.refused])).toEqual([
      ['GET /x', 2, 2, 1],
      ['POST /api/v1/auth/login', 0, 0, 1],
    ]);
    expect(total).toMatchObject({ requests: 8, errors: 2, limited: 2, refused: 2 });
    expect([...(rows[0]?.statuses ?? [])]).toEqual([
      [0, 1],
      [412, 1],
      [429, 2],
      [503, 1],
    ]);
    const interval = stats.takeInterval(4);
    expect(interval.total).toMatchObject({ requestsPerSecond: 2, errors: 2, limited: 2 });
  });

  it('keeps the five slowest requests and the first failed ones with their trace ids', () => {
    const stats = new LoadStats();
    for (let i = 1; i <= 20; i++)
      stats.record(
        sample({ latencyMs: i, traceId: `trace-${i}`, status: i % 4 === 0 ? 500 : 200 }),
      );
    expect(stats.slowestRequests().map((s) => s.traceId)).toEqual([
      'trace-20',
      'trace-19',
      'trace-18',
      'trace-17',
      'trace-16',
    ]);
    const failed = stats.failedRequests();
    expect(failed.count).toBe(5);
    expect(failed.first.map((s) => s.traceId)).toEqual([
      'trace-4',
      'trace-8',
      'trace-12',
      'trace-16',
      'trace-20',
    ]);
  });
});
