import { MemoryIdempotencyStore } from './idempotency-store';

const HOUR = 3_600_000;

/** A stored answer whose body holds `chars` characters. */
function answerOf(chars: number) {
  return {
    fingerprint: 'f'.repeat(43),
    answer: { status: 201, headers: {}, body: { synopsis: 's'.repeat(chars) } },
  };
}

describe('MemoryIdempotencyStore', () => {
  it('holds no more bytes of answers than its bound, however many keys, and replays the latest', async () => {
    const store = new MemoryIdempotencyStore(10_000, 1_000_000);
    // 1,000 answers of 100 kB: 100 MB by keys alone.
    for (let n = 0; n < 1_000; n++) {
      const key = `key-${n}`;
      expect(await store.claim(key, 'f'.repeat(43), HOUR)).toEqual({ claimed: true });
      await store.complete(key, answerOf(100_000), HOUR);
    }
    expect(store.heldBytes).toBeLessThanOrEqual(1_000_000);
    expect(store.heldBytes).toBeGreaterThan(800_000);
    // The latest key's retry is answered from the store; the first one's was forgotten first.
    const latest = await store.claim('key-999', 'f'.repeat(43), HOUR);
    expect(latest).toMatchObject({ claimed: false, record: { answer: { status: 201 } } });
    expect(await store.claim('key-0', 'f'.repeat(43), HOUR)).toEqual({ claimed: true });
  });

  it('keeps small answers by the key bound', async () => {
    const store = new MemoryIdempotencyStore(3, 1_000_000);
    for (const key of ['a', 'b', 'c', 'd']) {
      await store.claim(key, 'f', HOUR);
      await store.complete(key, answerOf(10), HOUR);
    }
    expect(await store.claim('a', 'f', HOUR)).toEqual({ claimed: true });
    expect(await store.claim('d', 'f', HOUR)).toMatchObject({ claimed: false });
  });
});
