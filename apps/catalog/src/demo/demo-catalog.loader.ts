import {
  defaultDemoOptions,
  generateDemoCatalog,
  type DemoOptions,
  type DemoTitle,
} from './demo-catalog.generator';

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
