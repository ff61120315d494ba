import { LRUCache } from 'lru-cache';

type Key = NonNullable<unknown>;

/** The options a bounded LRU takes besides its bound. */
export type BoundedLruOptions<K extends Key, V extends Key> = Omit<
  LRUCache.OptionsBase<K, V, unknown>,
  'max' | 'maxSize' | 'maxEntrySize' | 'sizeCalculation'
>;

/**
 * An LRU cache of at most `maxEntries` entries whose storage grows with what it holds. Given
 * `max`, lru-cache allocates its arrays for every entry up front: the gateway's caches held
 * 3.9 MiB at start, before their first entry (docs/performance.md, memory of the service
 * processes). Bounded by `maxSize` with each entry counting one, it evicts the same entries and
 * grows its arrays as entries come; a lookup cost the same either way (28-66 ns in a loop).
 */
export function boundedLru<K extends Key, V extends Key>(
  maxEntries: number,
  options: BoundedLruOptions<K, V> = {},
): LRUCache<K, V> {
  return new LRUCache<K, V>({ ...options, maxSize: maxEntries, sizeCalculation: () => 1 });
}
