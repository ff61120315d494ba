import { affects, type CacheScope } from './cache-scope';
import type { TitleChange } from './title-change';

/** How many recent changes a load can be checked against; a load that saw more is not kept. */
const CHANGES_REMEMBERED = 256;

/**
 * The recent changes, numbered: a load that started before a change that affects what it read
 * may have read the old state, so its result is not kept (the next read loads again).
 */
export class ChangeLog {
  private count = 0;
  private readonly recent: Array<TitleChange | undefined> = [];

  get epoch(): number {
    return this.count;
  }
  record(change: TitleChange | undefined): void {
    this.recent.push(change);
    if (this.recent.length > CHANGES_REMEMBERED) this.recent.shift();
    this.count++;
  }
  /** Whether a change since `epoch` can affect an entry of this scope. */
  overtook(scope: CacheScope, epoch: number): boolean {
    const since = this.count - epoch;
    if (since === 0) return false;
    if (since > this.recent.length) return true;
    return this.recent.slice(-since).some((change) => !change || affects(scope, change));
  }
}
