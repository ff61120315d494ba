import { FailureLog } from './failure-log';

describe('FailureLog', () => {
  it('lets the first failure through, then one per period counting the ones in between', () => {
    let clock = 0;
    const log = new FailureLog(10_000, () => clock);
    const due: Array<number | undefined> = [];
    for (let n = 0; n < 1_000; n++) {
      due.push(log.count('UNAVAILABLE'));
      clock += 5;
    }
    expect(due.filter((count) => count !== undefined)).toEqual([1]);
    clock += 10_000;
    expect(log.count('UNAVAILABLE')).toBe(1_000);
    expect(log.count('UNAVAILABLE')).toBeUndefined();
  });

  it('counts each kind of failure on its own', () => {
    let clock = 0;
    const log = new FailureLog(10_000, () => clock);
    expect(log.count('UNAVAILABLE')).toBe(1);
    expect(log.count('DEADLINE_EXCEEDED')).toBe(1);
    expect(log.count('UNAVAILABLE')).toBeUndefined();
    clock = 10_000;
    expect(log.count('DEADLINE_EXCEEDED')).toBe(1);
  });
});
