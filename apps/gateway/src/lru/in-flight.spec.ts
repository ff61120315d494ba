import { currentCallerSignal, runWithRequestId } from '@kinema/platform/logging';
import { InFlight } from './in-flight';

/** A call the test answers when it chooses. */
function deferred<T>() {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<T>((ok, fail) => ((resolve = ok), (reject = fail)));
  return { promise, resolve, reject };
}

describe('InFlight', () => {
  it('gives the requests that come while a call runs that call, not one each', async () => {
    const calls = new InFlight<string, number>();
    const answer = deferred<number>();
    let started = 0;
    const call = () => {
      started += 1;
      return answer.promise;
    };
    const three = [calls.run('a', call), calls.run('a', call), calls.run('a', call)];
    const other = calls.run('b', () => Promise.resolve(7));
    answer.resolve(1);
    expect(await Promise.all(three)).toEqual([1, 1, 1]);
    expect(await other).toBe(7);
    expect(started).toBe(1);
  });

  it('starts afresh once a call has settled, whether it answered or failed', async () => {
    const calls = new InFlight<string, number>();
    await expect(calls.run('a', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await calls.run('a', () => Promise.resolve(2))).toBe(2);
    expect(await calls.run('a', () => Promise.resolve(3))).toBe(3);
  });

  it('does not let a forgotten call be joined, and tells it that it is no longer current', async () => {
    const calls = new InFlight<string, string>();
    const first = deferred<string>();
    let firstCurrent: () => boolean = () => true;
    const before = calls.run('a', (current) => {
      firstCurrent = current;
      return first.promise;
    });
    expect(firstCurrent()).toBe(true);
    calls.forget('a');
    expect(firstCurrent()).toBe(false);
    const second = deferred<string>();
    const after = calls.run('a', () => second.promise);
    // The forgotten call settling does not drop the new one: a third request joins the second.
    first.resolve('before');
    expect(await before).toBe('before');
    const joined = calls.run('a', () => Promise.resolve('a third call'));
    second.resolve('after');
    expect(await after).toBe('after');
    expect(await joined).toBe('after');
  });

  it('forgets every key at once', async () => {
    const calls = new InFlight<string, string>();
    const running = deferred<string>();
    void calls.run('a', () => running.promise);
    void calls.run('b', () => running.promise);
    calls.forgetAll();
    expect(await calls.run('a', () => Promise.resolve('fresh a'))).toBe('fresh a');
    expect(await calls.run('b', () => Promise.resolve('fresh b'))).toBe('fresh b');
    running.resolve('old');
  });

  it('runs a shared call for its requests: cancelled once all have gone, not the first; a request after that starts afresh', async () => {
    const calls = new InFlight<string, string>();
    const [first, second, third] = [
      new AbortController(),
      new AbortController(),
      new AbortController(),
    ];
    const signals: AbortSignal[] = [];
    const call = () => {
      const signal = currentCallerSignal();
      if (signal) signals.push(signal);
      return new Promise<string>((_resolve, reject) =>
        signal?.addEventListener('abort', () => reject(new Error('cancelled'))),
      );
    };
    const asked = (caller: AbortController) =>
      runWithRequestId('r', () => calls.run('a', call), caller.signal);
    const one = asked(first);
    const two = asked(second);
    first.abort();
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(false);
    second.abort();
    expect(signals[0]?.aborted).toBe(true);
    await expect(Promise.all([one, two])).rejects.toThrow('cancelled');
    // Asked while the cancelled call had not yet settled: a call of its own, for its own request.
    expect(calls.has('a')).toBe(false);
    void asked(third);
    expect(signals).toHaveLength(2);
    expect(signals[1]?.aborted).toBe(false);
    // Asked outside any request (no one who could go): never cancelled by the others leaving.
    const outside = new InFlight<string, string>();
    const kept: AbortSignal[] = [];
    const keep = () => {
      const signal = currentCallerSignal();
      if (signal) kept.push(signal);
      return new Promise<string>(() => undefined);
    };
    const gone = new AbortController();
    void runWithRequestId('q', () => outside.run('b', keep), gone.signal);
    void outside.run('b', keep);
    gone.abort();
    expect(kept[0]?.aborted).toBe(false);
  });
});
