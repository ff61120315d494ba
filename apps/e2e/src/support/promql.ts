import { parser } from '@prometheus-io/lezer-promql';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

/** One series selector of a query: the metric it names and the labels its matchers test. */
export interface Selector {
  metric: string;
  labels: string[];
}

/** An aggregation's `by (...)` labels, and the metrics of the expression it aggregates. */
export interface Grouping {
  labels: string[];
  metrics: string[];
}

export interface QueryShape {
  selectors: Selector[];
  groupings: Grouping[];
  /** Where the parser gave up, if anywhere (promtool has the last word on validity). */
  error?: string;
}

/**
 * Grafana's built-in interval variables, replaced by a duration so the query parses as PromQL.
 * Any other `$__` variable is refused: it would need a value of its own.
 */
const BUILT_IN_DURATIONS = new Set(['__rate_interval', '__interval', '__range', '__auto']);

/**
 * The query Prometheus would receive: Grafana's interval variables become `5m`, the dashboard's
 * own variables (`$pod`, `${service}`, `${namespace:regex}`, `[[pod]]`) become `.*`, the value
 * "All" sends for a regex matcher. Throws on a `$__` variable it does not know.
 */
export function substituteGrafanaVariables(query: string, variables: readonly string[]): string {
  return query.replace(
    /\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)(?::\w+)?\]\]/g,
    (match, braced?: string, bare?: string, bracketed?: string) => {
      const name = braced ?? bare ?? bracketed ?? '';
      if (BUILT_IN_DURATIONS.has(name)) return '5m';
      if (variables.includes(name)) return '.*';
      throw new Error(`${match} is neither a dashboard variable nor a Grafana interval`);
    },
  );
}

function text(query: string, node: SyntaxNode): string {
  return query.slice(node.from, node.to);
}

function children(node: SyntaxNode, name: string): SyntaxNode[] {
  return node.getChildren(name);
}

function stringValue(literal: string): string {
  // PromQL strings are Go-style: "…", '…' or `…`; JSON.parse handles the double-quoted form.
  if (literal.startsWith('"')) return JSON.parse(literal) as string;
  return literal.slice(1, -1);
}

/** `{a="x", b=~"y"}`: the label names its matchers test, and the metric a `__name__` one names. */
function matchers(query: string, node: SyntaxNode): { labels: string[]; name?: string } {
  const labels: string[] = [];
  let name: string | undefined;
  const list = node.getChild('LabelMatchers');
  for (const matcher of list
    ? [...children(list, 'UnquotedLabelMatcher'), ...children(list, 'QuotedLabelMatcher')]
    : []) {
    const labelNode = matcher.getChild('LabelName') ?? matcher.getChild('QuotedLabelName');
    const label = labelNode ? text(query, labelNode) : '';
    const value = matcher.getChild('StringLiteral');
    const op = matcher.getChild('MatchOp');
    if (label === '__name__' && value && op && text(query, op) === '=')
      name = stringValue(text(query, value));
    else if (label) labels.push(label.startsWith('"') ? stringValue(label) : label);
  }
  // A quoted metric name in braces (`{"my.metric", job="x"}`), as Prometheus 3 allows.
  for (const quoted of list ? children(list, 'QuotedLabelName') : [])
    name = stringValue(text(query, quoted));
  return name === undefined ? { labels } : { labels, name };
}

function selectorsUnder(query: string, root: SyntaxNode): Selector[] {
  const found: Selector[] = [];
  const cursor = root.cursor();
  do {
    if (cursor.name !== 'VectorSelector') continue;
    const node = cursor.node;
    const identifier = node.getChild('Identifier');
    const { labels, name } = matchers(query, node);
    const metric = identifier ? text(query, identifier) : name;
    if (metric) found.push({ metric, labels });
  } while (cursor.next() && cursor.from < root.to);
  return found;
}

/**
 * The metrics and labels a PromQL query reads, from Prometheus's own grammar (so function names,
 * keywords, durations, strings and label lists are never taken for metric names).
 */
export function queryShape(query: string): QueryShape {
  const tree = parser.parse(query);
  const shape: QueryShape = { selectors: selectorsUnder(query, tree.topNode), groupings: [] };
  const cursor = tree.cursor();
  do {
    if (cursor.type.isError && shape.error === undefined)
      shape.error = `does not parse at offset ${cursor.from}: ${JSON.stringify(query.slice(cursor.from, cursor.from + 20))}`;
    if (cursor.name !== 'AggregateExpr') continue;
    const node = cursor.node;
    const modifier = node.getChild('AggregateModifier');
    // `without (...)` names labels to drop; only `by (...)` promises labels in the result.
    if (!modifier?.getChild('By')) continue;
    const grouping = modifier.getChild('GroupingLabels');
    const labels = grouping ? children(grouping, 'LabelName').map((n) => text(query, n)) : [];
    const body = node.getChild('FunctionCallBody');
    shape.groupings.push({
      labels,
      metrics: body ? selectorsUnder(query, body).map((s) => s.metric) : [],
    });
  } while (cursor.next());
  return shape;
}
