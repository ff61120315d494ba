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
    for (let round = 0; round < 5; round++) {
      for (let n = 0; n < 3_000; n++) await busy();
      clock += 1_000;
    }
    expect(await busy()).toMatchObject({ totalHits: 1, isBlocked: false });
  });
});
