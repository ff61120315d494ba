import type { DashboardQuery } from './dashboard-queries';
import { familyOf, type Family } from './exposition';
import { queryShape } from './promql';

// Labels Prometheus attaches to every series it scrapes; no exporter sets them.
const TARGET_LABELS = new Set(['namespace', 'pod', 'container', 'instance', 'job', 'endpoint']);
/** The exemplar label Grafana's trace links read (the data source's exemplarTraceIdDestinations). */
export const TRACE_ID_LABEL = 'trace_id';

type Families = ReadonlyMap<string, Family>;

function family(families: Families, metric: string): Family | undefined {
  return families.get(familyOf(families, metric) ?? '');
}

/** `<where>: <metric>` for each metric a query names that no scrape declared (no TYPE line). */
export function missingMetrics(queries: readonly DashboardQuery[], families: Families): string[] {
  const missing = queries.flatMap((query) =>
    queryShape(query.expr)
      .selectors.filter(({ metric }) => familyOf(families, metric) === undefined)
      .map(({ metric }) => `${query.where}: ${metric}`),
  );
  return [...new Set(missing)];
}

/**
 * Labels a query filters by, groups by or lists that the metric it reads does not carry. A label
 * is known once a sample shows it, so a metric with no sample yet is not judged.
 */
export function unknownLabels(queries: readonly DashboardQuery[], families: Families): string[] {
  const lacks = (metric: string, label: string) => {
    const found = family(families, metric);
    return (
      found !== undefined &&
      found.labels.size > 0 &&
      !found.labels.has(label) &&
      !TARGET_LABELS.has(label)
    );
  };
  const unknown: string[] = [];
  for (const query of queries) {
    const shape = queryShape(query.expr);
    for (const { metric, labels } of shape.selectors) {
      for (const label of [...labels, ...(query.listsLabel ? [query.listsLabel] : [])])
        if (lacks(metric, label)) unknown.push(`${query.where}: ${metric} has no label ${label}`);
    }
    for (const { labels, metrics } of shape.groupings) {
      for (const label of labels)
        if (metrics.length > 0 && metrics.every((metric) => lacks(metric, label)))
          unknown.push(`${query.where}: by (${label}), which ${metrics.join(', ')} lack`);
    }
  }
  return [...new Set(unknown)];
}

/** Series of panels showing exemplars that are not histograms with trace-id exemplars. */
export function missingExemplars(queries: readonly DashboardQuery[], families: Families): string[] {
  const without = queries
    .filter((query) => query.exemplar)
    .flatMap((query) =>
      queryShape(query.expr)
        .selectors.filter(({ metric }) => {
          const found = family(families, metric);
          return found?.type !== 'histogram' || !found.exemplarLabels.has(TRACE_ID_LABEL);
        })
        .map(({ metric }) => `${query.where}: ${metric} (no ${TRACE_ID_LABEL} exemplars)`),
    );
  return [...new Set(without)];
}
