import { SlidingWindowStorage } from './sliding-window-storage';

describe('the in-memory limiter state', () => {
  let clock = 0;
  let storage: SlidingWindowStorage;
  const hit = (key = 'caller') => storage.increment(key, 10_000, 3, 10_000, 'requests');

  beforeEach(() => {
    clock = 1_000_000;
    storage = new SlidingWindowStorage(() => clock);
  });
  afterEach(() => storage.onApplicationShutdown());

  it('lets the limit through in a window, then blocks for the block duration', async () => {
    for (let n = 1; n <= 3; n++)
      expect(await hit()).toMatchObject({ totalHits: n, isBlocked: false });
    expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 10 });
    clock += 4_000;
    expect(await hit()).toMatchObject({ isBlocked: true, timeToBlockExpire: 6 });
    // Another caller has its own budget.
    expect(await hit('other')).toMatchObject({ totalHits: 1, isBlocked: false });
    clock += 6_000;
    expect(await hit()).toMatchObject({ totalHits: 1, isBlocked: false });
  });

  it('slides: each hit stops counting when its own window ends', async () => {
    await hit();
    clock += 6_000;
    await hit();
    await hit();
    clock += 4_000; // the first hit has expired, the two others have not
    expect(await hit()).toMatchObject({ totalHits: 3, isBlocked: false, timeToExpire: 6 });
    expect(await hit()).toMatchObject({ isBlocked: true });
  });

  it('keeps counting right across many expired hits (the dropped front is reclaimed)', async () => {
    const busy = () => storage.increment('busy', 1_000, 5_000, 1_000, 'requests');
    for (let n = 0; n < 6_000; n++) {
      await busy();
      clock += 1;
    }
    // Live: the 999 hits of the last second, and this one.
    expect(await busy()).toMatchObject({ totalHits: 1_000, isBlocked: false });
  });

  it('counts every hit of one millisecond, and lets them expire together', async () => {
    const busy = () => storage.increment('busy', 1_000, 20_000, 1_000, 'requests');
    for (let n = 1; n <= 10_000; n++) expect((await busy()).totalHits).toBe(n);
    clock += 1;
    expect(await busy()).toMatchObject({ totalHits: 10_001, timeToExpire: 1 });
    clock += 999; // the first millisecond's hits have expired, the last one has not
    expect(await busy()).toMatchObject({ totalHits: 2, isBlocked: false });
  });
});
