import type { Circus } from '@jest/types';
import { TestEnvironment } from 'jest-environment-node';
import { FAILURES_GLOBAL } from './failures';

/**
 * Node's test environment, counting each failure of a test or hook as it happens: a test system
 * stopped afterwards prints its processes' output only when something failed while it ran
 * (system.ts), so a failure in CI can be read from the run without flooding a green one.
 * `test_fn_failure` comes before the test's afterEach hooks, where a system may be stopped.
 */
export default class E2eEnvironment extends TestEnvironment {
  handleTestEvent(event: Circus.Event): void {
    if (event.name === 'test_fn_failure' || event.name === 'hook_failure') {
      const failures = (this.global[FAILURES_GLOBAL] as number | undefined) ?? 0;
      this.global[FAILURES_GLOBAL] = failures + 1;
    }
  }
}
