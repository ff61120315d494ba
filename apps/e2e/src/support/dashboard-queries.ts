import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@kinema/dev-infra';
import { substituteGrafanaVariables } from './promql';

/** The Grafana dashboards the chart ships (helm/kinema/dashboards). */
export const DASHBOARDS_DIR = join(REPO_ROOT, 'helm/kinema/dashboards');

/** One PromQL query of a dashboard, as Prometheus would receive it. */
export interface DashboardQuery {
  /** `overview.json › Gateway latency (B)`, or `overview.json › variable pod`. */
  where: string;
  /** The query with Grafana's variables replaced. */
  expr: string;
  /** The panel asks Grafana to show exemplars (trace ids) for it. */
  exemplar: boolean;
  /** A `label_values(selector, label)` variable: the label it lists. */
  listsLabel?: string;
}

interface Target {
  refId?: string;
  expr?: string;
  exemplar?: boolean;
}
interface Panel {
  type: string;
  title?: string;
  targets?: Target[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  query?: string | { query?: string };
}
interface Dashboard {
  panels: Panel[];
  templating?: { list?: Variable[] };
}

/** Every query of every dashboard file: the panels' targets and the query variables. */
export function dashboardQueries(): DashboardQuery[] {
  const queries: DashboardQuery[] = [];
  for (const file of readdirSync(DASHBOARDS_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const dashboard = JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as Dashboard;
    const variables = (dashboard.templating?.list ?? []).map((variable) => variable.name);
    const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        queries.push({
          where: `${file} › ${panel.title ?? '(untitled)'} (${target.refId ?? '?'})`,
          expr: substituteGrafanaVariables(target.expr ?? '', variables),
          exemplar: target.exemplar === true,
        });
      }
    }
    for (const variable of dashboard.templating?.list ?? []) {
      if (variable.type !== 'query') continue;
      const query = typeof variable.query === 'string' ? variable.query : variable.query?.query;
      // Grafana's label_values(<series selector>, <label>): the selector is PromQL.
      const listing = /^\s*label_values\((.+),\s*([a-zA-Z_]\w*)\s*\)\s*$/s.exec(query ?? '');
      if (!listing) throw new Error(`${file}: variable ${variable.name} is not label_values(...)`);
      queries.push({
        where: `${file} › variable ${variable.name}`,
        expr: substituteGrafanaVariables(listing[1] ?? '', variables),
        exemplar: false,
        listsLabel: listing[2] ?? '',
      });
    }
  }
  return queries;
}
