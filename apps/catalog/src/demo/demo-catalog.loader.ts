import {
  defaultDemoOptions,
  generateDemoCatalog,
  type DemoOptions,
  type DemoTitle,
} from './demo-catalog.generator';

/**
 * Refreshes the planner's statistics of the tables a load fills. Run after a load: without them
 * the planner guesses a handful of rows and sorts whole tables instead of walking the keyset
 * indexes, and nothing else refreshes them on PGlite (no autovacuum) or on a server with
 * autovacuum off.
 */
export const ANALYZE_LOADED_TABLES =
  'ANALYZE titles, title_trending, title_genres, credits, seasons, episodes';

export interface LoadOptions {
  count: number;
  /** Titles per batch (each batch is one call of `importBatch`, one transaction for callers). */
  batchSize?: number;
  demo?: Partial<DemoOptions>;
  onProgress?: (loaded: number) => void;
}

/**
 * Generates `count` titles batch by batch and hands each batch to `importBatch` (which writes it
 * through the catalog's write repository), so memory stays flat at any size. `importBatch`
 * answers false to stop (the catalog turned out not to be empty).
 */
export async function loadDemoCatalog(
  importBatch: (titles: DemoTitle[], index: number) => Promise<boolean>,
  options: LoadOptions,
): Promise<void> {
  const demo: DemoOptions = { ...defaultDemoOptions, ...options.demo };
  const batchSize = options.batchSize ?? 5_000;
  for (let from = 0, index = 0; from < options.count; from += batchSize, index++) {
    const titles = generateDemoCatalog(Math.min(batchSize, options.count - from), demo, from);
    if (!(await importBatch(titles, index))) return;
    options.onProgress?.(from + titles.length);
  }
}
