import type { ThrottlerStorage } from '@nestjs/throttler';
import { RequestBudget, type Increment } from './request-budget';
import { SlidingWindowStorage } from './sliding-window-storage';

const LIMIT = 3;
const options = { prefix: 'test:', limit: LIMIT, windowMs: 60_000 };

describe('RequestBudget', () => {
  const storages: SlidingWindowStorage[] = [];
  const memory = () => {
    const storage = new SlidingWindowStorage();
    storages.push(storage);
    return storage;
  };
  afterEach(() => {
    for (const storage of storages.splice(0)) storage.onApplicationShutdown();
  });

  it('answers at once from a storage that counts in memory, each request counted once', () => {
    const budget = new RequestBudget(memory(), options);
    const answers = Array.from({ length: LIMIT + 1 }, () => budget.admits('ip:203.0.113.7'));
    expect(answers).toEqual([true, true, true, false]);
    expect(budget.admits('ip:203.0.113.8')).toBe(true);
  });

  it('waits for a storage that cannot count at once, and counts the same', async () => {
    const inMemory = memory();
    // Only `increment`, as @nestjs/throttler's own storages offer.
    const remote: ThrottlerStorage = {
      increment: (...args: Parameters<ThrottlerStorage['increment']>) =>
        inMemory.increment(...args),
    };
    const budget = new RequestBudget(remote, options);
    const answers = Array.from({ length: LIMIT + 1 }, () => budget.admits('ip:203.0.113.7'));
    expect(answers.every((answer) => answer instanceof Promise)).toBe(true);
    expect(await Promise.all(answers)).toEqual([true, true, true, false]);
  });

  it('leaves the request to the guard when the storage fails, at once or later', async () => {
    const failing = (
      increment: () => Promise<Increment>,
    ): ThrottlerStorage & Partial<{ incrementNow: () => Increment }> => ({ increment });
    const later = new RequestBudget(
      failing(() => Promise.reject(new Error('store down'))),
      options,
    );
    expect(await later.admits('ip:203.0.113.7')).toBe(false);
    const now = new RequestBudget(
      Object.assign(
        failing(() => Promise.reject(new Error('unused'))),
        {
          incrementNow: () => {
            throw new Error('store down');
          },
        },
      ),
      options,
    );
    expect(now.admits('ip:203.0.113.7')).toBe(false);
  });
});
