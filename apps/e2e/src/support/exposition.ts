/** What one scrape says about one metric family. */
export interface Family {
  type: string;
  /** Label names seen on its samples (none until a labelled metric is first set). */
  labels: Set<string>;
  /** Its samples carry exemplars (OpenMetrics `# {trace_id="…"} value`) with these labels. */
  exemplarLabels: Set<string>;
}

/**
 * The sample names a family of each type exposes, in the Prometheus text format and in
 * OpenMetrics (where a counter's TYPE line drops `_total`, which its samples keep).
 */
const SUFFIXES: Record<string, readonly string[]> = {
  counter: ['', '_total', '_created'],
  gauge: [''],
  untyped: [''],
  unknown: [''],
  stateset: [''],
  info: ['_info'],
  summary: ['', '_sum', '_count', '_created'],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
};

/**
 * Reads a /metrics page: every family's TYPE line (a metric counts as exported from its TYPE line,
 * even before it has a sample) and the labels and exemplars of its samples. The exposition formats
 * are line-based with one sample per line, so a few regular expressions read them completely;
 * a full client parser would add nothing the check needs.
 */
export function parseExposition(
  text: string,
  into = new Map<string, Family>(),
): Map<string, Family> {
  const bySampleName = new Map<string, Family>();
  for (const [name, family] of into)
    for (const suffix of SUFFIXES[family.type] ?? ['']) bySampleName.set(name + suffix, family);
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) {
      const [, name = '', kind = 'untyped'] = type;
      const family = into.get(name) ?? { type: kind, labels: new Set(), exemplarLabels: new Set() };
      into.set(name, family);
      for (const suffix of SUFFIXES[kind] ?? ['']) bySampleName.set(name + suffix, family);
      continue;
    }
    if (line.startsWith('#') || line.trim() === '') continue;
    const sample =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{((?:[^}"]|"(?:[^"\\]|\\.)*")*)\})?\s+\S+(.*)$/.exec(line);
    if (!sample) continue;
    const [, name = '', , labels = '', rest = ''] = sample;
    const family = bySampleName.get(name);
    if (!family) continue;
    for (const label of labelNames(labels)) family.labels.add(label);
    const exemplar = /#\s*\{([^}]*)\}/.exec(rest);
    if (exemplar)
      for (const label of labelNames(exemplar[1] ?? '')) family.exemplarLabels.add(label);
  }
  return into;
}

function labelNames(labels: string): string[] {
  return [...labels.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"/g)].map((m) => m[1] ?? '');
}

/** The family a sample name belongs to (`x_bucket` to histogram `x`, `y_total` to counter `y`). */
export function familyOf(
  families: ReadonlyMap<string, Family>,
  sampleName: string,
): string | undefined {
  for (const [name, family] of families)
    if ((SUFFIXES[family.type] ?? ['']).some((suffix) => name + suffix === sampleName)) return name;
  return undefined;
}
