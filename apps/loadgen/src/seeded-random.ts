import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from 'pure-rand';

/** The resolution of `chance` and `fraction`: a millionth. */
const STEPS = 1_000_000;

/**
 * Choices that a seed makes repeatable: each simulated client draws from a generator of its own
 * (the run's seed and the client's number), so one client's choices do not depend on when the
 * others' answers arrive.
 */
export class SeededRandom {
  private readonly generator: RandomGenerator;

  constructor(seed: number, stream = 0) {
    this.generator = xoroshiro128plus(seed ^ Math.imul(stream + 1, 0x9e3779b1));
  }

  /** A whole number from `from` to `to`, both included. */
  int(from: number, to: number): number {
    return unsafeUniformIntDistribution(from, to, this.generator);
  }

  /** A number in [0, 1). */
  fraction(): number {
    return this.int(0, STEPS - 1) / STEPS;
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.fraction() < p;
  }

  /** One of the items, or undefined when there are none. */
  pick<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : items[this.int(0, items.length - 1)];
  }

  /** A whole number of milliseconds in the range, both ends included. */
  between(range: { minMs: number; maxMs: number }): number {
    return this.int(Math.round(range.minMs), Math.round(range.maxMs));
  }
}
