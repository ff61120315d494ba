import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './live-updates';

describe('reconnecting to /ws', () => {
  it('waits longer after each failed attempt, never more than 30 s', () => {
    const top = (attempt: number) => reconnectDelay(attempt, () => 1);
    expect([0, 1, 2, 3].map(top)).toEqual([1_000, 2_000, 4_000, 8_000]);
    expect(top(20)).toBe(30_000);
  });

  it('spreads clients over the second half of the window so they do not return together', () => {
    expect(reconnectDelay(2, () => 0)).toBe(2_000);
    expect(reconnectDelay(2, () => 0.5)).toBe(3_000);
  });
});
