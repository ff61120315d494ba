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

/** A bound on the bytes an LRU's entries hold, and how many bytes one entry holds. */
export interface ByteBound<K extends Key, V extends Key> {
  maxBytes: number;
  /** A positive whole number: what `value` under `key` keeps in memory. */
  bytesOf: (value: V, key: K) => number;
}

/**
 * An LRU cache bounded by the bytes its entries hold (an entry larger than the bound is not kept)
 * and by `maxEntries` entries, whichever is reached first, the least recently used going first;
 * its storage grows with what it holds, as boundedLru's does. lru-cache counts one measure
 * without allocating for `max` up front (`maxSize`): the bytes, so the count is kept here.
 */
export function byteBoundedLru<K extends Key, V extends Key>(
  maxEntries: number,
  bound: ByteBound<K, V>,
  options: BoundedLruOptions<K, V> = {},
): LRUCache<K, V> {
  return new EntryCappedLru<K, V>(maxEntries, {
    ...options,
    maxSize: bound.maxBytes,
    sizeCalculation: bound.bytesOf,
  });
}

class EntryCappedLru<K extends Key, V extends Key> extends LRUCache<K, V> {
  constructor(
    private readonly maxEntries: number,
    options: LRUCache.Options<K, V, unknown>,
  ) {
    super(options);
  }

  override set(key: K, value: V | undefined, options?: LRUCache.SetOptions<K, V, unknown>): this {
    super.set(key, value, options);
    // The entry just set is the most recently used; one refused for its size added none.
    if (this.size > this.maxEntries) this.pop();
    return this;
  }
}
