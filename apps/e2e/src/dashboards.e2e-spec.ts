// The Grafana dashboards the chart ships tell the truth: every metric a query names is one the
// running system exports, every label it filters or groups by is on that metric, every latency
// panel that shows exemplars reads histograms that carry trace ids, and every query is PromQL that
// Prometheus's own parser (promtool) accepts. The system runs as `npm start` runs it, with a few
// requests made first so counters and histograms have samples; each process's ops listener is
// scraped as Prometheus would (OpenMetrics first).
//
// Queries are checked with `promtool check rules` (each one written as a recording rule) rather
// than by running a Prometheus against the ops ports: a Prometheus stores only samples, so it
// cannot see a labelled gauge that has not been set yet, while its TYPE line already proves the
// metric exists; and promtool answers at once, with no scrape interval to wait for.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { Client } from './support/accounts';
import { missingExemplars, missingMetrics, unknownLabels } from './support/dashboard-checks';
import { dashboardQueries, type DashboardQuery } from './support/dashboard-queries';
import { parseExposition, type Family } from './support/exposition';
import { queryShape, substituteGrafanaVariables } from './support/promql';
import { request, startTestSystem, type TestSystem } from './support/system';

function promtool(): string | undefined {
  const found = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
  return found.error ? undefined : 'promtool';
}

const queries: DashboardQuery[] = dashboardQueries();
let system: TestSystem;
let families: Map<string, Family>;
let scraped: string[];

/** Requests that give every service's counters and histograms samples: reads, a sign-up, misses. */
async function exercise(): Promise<void> {
  const api = `${system.gatewayUrl}/api/v1`;
  const titles = await request<{ items: Array<{ id: string }> }>(api, '/titles?limit=5');
  const first = titles.body.items[0]?.id;
  if (!first) throw new Error(`no demo titles: ${titles.status}`);
  await request(api, '/titles?limit=5'); // a second read of the same page: a cache hit
  await request(api, `/titles/${first}`);
  await request(api, '/genres');
  await request(api, '/titles/00000000-0000-4000-8000-000000000000'); // NOT_FOUND from catalog
  const viewer = new Client(api);
  await viewer.register();
  await viewer.call('GET', '/me/list');
  await viewer.call('GET', '/videos/00000000-0000-4000-8000-000000000000'); // videos' NOT_FOUND
}

const tool = promtool();
const skipLine = 'PromQL check skipped: no promtool on PATH (apt-get install prometheus)';
if (!tool && !process.env['CI']) process.stdout.write(`${skipLine}\n`);

describe('the dashboards against the running system', () => {
  beforeAll(async () => {
    system = await startTestSystem(5);
    await exercise();
    families = new Map();
    scraped = [];
    for (const running of system.supervisor.running) {
      const port = running.listeners.ops;
      if (port === undefined) continue;
      const response = await fetch(`http://127.0.0.1:${port}/metrics`, {
        headers: { accept: 'application/openmetrics-text; version=1.0.0, text/plain; q=0.5' },
      });
      if (!response.ok) throw new Error(`${running.spec.name} /metrics: ${response.status}`);
      parseExposition(await response.text(), families);
      scraped.push(running.spec.name);
    }
  }, 180_000);

  afterAll(async () => {
    await system?.dispose();
  });

  it('scrapes the ops listener of every service', () => {
    expect([...new Set(scraped)].sort()).toEqual(['catalog', 'gateway', 'users', 'videos']);
  });

  it('reads queries from every dashboard, each parsed by the PromQL grammar', () => {
    expect(new Set(queries.map((q) => q.where.split(' › ')[0])).size).toBeGreaterThanOrEqual(5);
    expect(queries.flatMap((q) => queryShape(q.expr).error ?? [])).toEqual([]);
    expect(queries.every((q) => queryShape(q.expr).selectors.length > 0)).toBe(true);
  });

  it('every metric a dashboard query names is exported by the system', () => {
    expect(missingMetrics(queries, families)).toEqual([]);
  });

  it('every label a query filters, groups or lists by is on the metric it reads', () => {
    expect(unknownLabels(queries, families)).toEqual([]);
  });

  it('every panel showing exemplars reads histograms whose samples carry trace ids', () => {
    expect(queries.some((query) => query.exemplar)).toBe(true);
    expect(missingExemplars(queries, families)).toEqual([]);
  });

  (tool || process.env['CI'] ? it : it.skip)(
    'every query is valid PromQL (promtool check rules)',
    () => {
      if (!tool) throw new Error(`${skipLine}; CI must run it`);
      const dir = mkdtempSync(join(tmpdir(), 'kinema-dashboards-'));
      try {
        const record = (index: number) => `kinema_dashboard_query_${index}`;
        const rules = join(dir, 'dashboards.rules.yaml');
        writeFileSync(
          rules,
          stringify({
            groups: [
              {
                name: 'kinema-dashboards',
                rules: queries.map((query, index) => ({ record: record(index), expr: query.expr })),
              },
            ],
          }),
        );
        const result = spawnSync(tool, ['check', 'rules', rules], { encoding: 'utf8' });
        // promtool names a failing rule by its record name: say which panel it is.
        const report = `${result.stdout}${result.stderr}`.replace(
          /kinema_dashboard_query_(\d+)/g,
          (match, index: string) => queries[Number(index)]?.where ?? match,
        );
        expect(result.status === 0 ? '' : report).toBe('');
        expect(report).toContain(`SUCCESS: ${queries.length} rules found`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('the checks themselves', () => {
  const query = (expr: string, extra: Partial<DashboardQuery> = {}): DashboardQuery => ({
    where: 'test.json › panel (A)',
    expr,
    exemplar: false,
    ...extra,
  });
  // OpenMetrics, as the services serve it: a counter's TYPE line drops `_total`.
  const openMetrics = [
    '# TYPE grpc_server_handled counter',
    'grpc_server_handled_total{grpc_method="Get",grpc_code="OK",service="catalog"} 3',
    '# TYPE http_server_request_duration_seconds histogram',
    'http_server_request_duration_seconds_bucket{le="0.1",route="/x",service="gateway"} 2 # {trace_id="4bf92f3577b34da6a3ce929d0e0e4736",span_id="00f067aa0ba902b7"} 0.05 1700000000.000',
    'http_server_request_duration_seconds_count{route="/x",service="gateway"} 2',
    '# TYPE kafka_consumer_group_lag gauge',
    '# TYPE nodejs_gc_duration_seconds histogram',
    'nodejs_gc_duration_seconds_bucket{le="0.1",kind="minor",service="catalog"} 1',
    '# EOF',
  ].join('\n');
  // The Prometheus text format: the counter's TYPE line keeps `_total`.
  const text = ['# TYPE process_cpu_seconds_total counter', 'process_cpu_seconds_total 1.5'].join(
    '\n',
  );
  const scraped = parseExposition(text, parseExposition(openMetrics));

  it('takes metric names from selectors only, never functions, keywords, labels or durations', () => {
    const shape = queryShape(
      'histogram_quantile(0.99, sum by (le, route) (rate(http_server_request_duration_seconds_bucket{route!~"/docs.*", status_code=~"5.."}[5m] offset 1h))) ' +
        '/ on (pod) group_left sum without (grpc_code) (increase(grpc_server_handled_total[1h:5m])) ' +
        'and {__name__="process_cpu_seconds_total", service="x"} @ start() or count_over_time(label_replace(up, "a", "$1", "b", "(.*)")[10m:])',
    );
    expect(shape.error).toBeUndefined();
    expect(shape.selectors).toEqual([
      { metric: 'http_server_request_duration_seconds_bucket', labels: ['route', 'status_code'] },
      { metric: 'grpc_server_handled_total', labels: [] },
      { metric: 'process_cpu_seconds_total', labels: ['service'] },
      { metric: 'up', labels: [] },
    ]);
    expect(shape.groupings).toEqual([
      { labels: ['le', 'route'], metrics: ['http_server_request_duration_seconds_bucket'] },
    ]);
    expect(queryShape('sum(rate(x[5m])').error).toMatch(/does not parse/);
  });

  it("replaces Grafana's variables and refuses one it does not know", () => {
    expect(
      substituteGrafanaVariables('rate(x{pod=~"$pod", s=~"${service:regex}"}[$__rate_interval])', [
        'pod',
        'service',
      ]),
    ).toBe('rate(x{pod=~".*", s=~".*"}[5m])');
    expect(() => substituteGrafanaVariables('x[$__unknown]', [])).toThrow(/\$__unknown/);
    expect(() => substituteGrafanaVariables('x{a="$nope"}', [])).toThrow(/\$nope/);
  });

  it('maps sample names to their family in both exposition formats, typed but unset ones too', () => {
    expect(
      missingMetrics(
        [
          query(
            'grpc_server_handled_total + http_server_request_duration_seconds_bucket + http_server_request_duration_seconds_count + kafka_consumer_group_lag + process_cpu_seconds_total',
          ),
          query(
            'outbox_pending_events + http_server_request_duration_seconds + grpc_server_handled_bucket',
          ),
        ],
        scraped,
      ),
    ).toEqual([
      'test.json › panel (A): outbox_pending_events',
      'test.json › panel (A): http_server_request_duration_seconds',
      'test.json › panel (A): grpc_server_handled_bucket',
    ]);
  });

  it('reports a label the metric lacks, but not target labels or metrics with no sample yet', () => {
    expect(
      unknownLabels(
        [
          query('sum by (grpc_method) (grpc_server_handled_total{grpc_code!="OK", pod=~".*"})'),
          query('sum by (method) (grpc_server_handled_total{grpc_methd="Get"})'),
          query('max by (group) (kafka_consumer_group_lag{topic="t"})'),
          query('process_cpu_seconds_total', { listsLabel: 'namespace' }),
          query('grpc_server_handled_total', { listsLabel: 'services' }),
        ],
        scraped,
      ),
    ).toEqual([
      'test.json › panel (A): grpc_server_handled_total has no label grpc_methd',
      'test.json › panel (A): by (method), which grpc_server_handled_total lack',
      'test.json › panel (A): grpc_server_handled_total has no label services',
    ]);
  });

  it('wants trace-id exemplars on the histograms of exemplar panels', () => {
    expect(
      missingExemplars(
        [
          query('rate(http_server_request_duration_seconds_bucket[5m])', { exemplar: true }),
          query('rate(nodejs_gc_duration_seconds_bucket[5m])', { exemplar: true }),
          query('rate(grpc_server_handled_total[5m])', { exemplar: true }),
          query('rate(nodejs_gc_duration_seconds_bucket[5m])'),
        ],
        scraped,
      ),
    ).toEqual([
      'test.json › panel (A): nodejs_gc_duration_seconds_bucket (no trace_id exemplars)',
      'test.json › panel (A): grpc_server_handled_total (no trace_id exemplars)',
    ]);
  });
});
