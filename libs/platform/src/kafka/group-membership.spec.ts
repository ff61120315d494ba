import { EventEmitter } from 'node:events';
import type { Consumer } from 'kafkajs';
import {
  GroupMembership,
  LEAVE_STOP_MS,
  leftWithinBound,
  RUN_LOOP_STOP_MS,
} from './group-membership';

/** A kafkajs consumer as far as its membership is concerned: an emitter of GROUP_JOIN. */
function fakeConsumer() {
  const emitter = new EventEmitter();
  const consumer = {
    events: { GROUP_JOIN: 'consumer.group_join' },
    on: (name: string, listener: () => void) => emitter.on(name, listener),
  } as unknown as Consumer;
  return { consumer, join: () => emitter.emit('consumer.group_join', { payload: {} }) };
}

describe('a consumer group membership, as a stop sees it', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const settled = (promise: Promise<void>) => {
    let done = false;
    void promise.then(() => (done = true));
    return () => done;
  };

  it('waits for nothing while the consumer never joined, however long its connect takes', async () => {
    const fake = fakeConsumer();
    const membership = new GroupMembership(fake.consumer);
    const ended = settled(membership.runLoopEnded(new Promise<void>(() => undefined)));
    await jest.advanceTimersByTimeAsync(0);
    expect(membership.everJoined).toBe(false);
    expect(ended()).toBe(true);
  });

  it('waits for the run loop once the consumer joined, for as long as it takes up to the bound', async () => {
    const fake = fakeConsumer();
    const membership = new GroupMembership(fake.consumer);
    fake.join();
    expect(membership.everJoined).toBe(true);
    let finish: () => void = () => undefined;
    const quick = settled(membership.runLoopEnded(new Promise<void>((r) => (finish = r))));
    await jest.advanceTimersByTimeAsync(100);
    expect(quick()).toBe(false);
    finish();
    await jest.advanceTimersByTimeAsync(0);
    expect(quick()).toBe(true);

    const stuck = settled(membership.runLoopEnded(new Promise<void>(() => undefined)));
    await jest.advanceTimersByTimeAsync(RUN_LOOP_STOP_MS - 1);
    expect(stuck()).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(stuck()).toBe(true);
  });

  it('waits for leaving as long as it takes up to its own bound, then stops anyway', async () => {
    const outcome = (promise: Promise<boolean>) => {
      let left: boolean | undefined;
      void promise.then((value) => (left = value));
      return () => left;
    };
    let finish: () => void = () => undefined;
    const quick = outcome(leftWithinBound(new Promise<void>((r) => (finish = r))));
    await jest.advanceTimersByTimeAsync(100);
    expect(quick()).toBeUndefined();
    finish();
    await jest.advanceTimersByTimeAsync(0);
    expect(quick()).toBe(true);

    const hung = outcome(leftWithinBound(new Promise<void>(() => undefined)));
    await jest.advanceTimersByTimeAsync(LEAVE_STOP_MS - 1);
    expect(hung()).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect(hung()).toBe(false);
  });
});
