import type { FullResult, Reporter } from '@playwright/test/reporter';
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { outputTail } from '@kinema/dev-infra';
import { SYSTEM_LOG } from './system-log';

/** After a run that did not pass, prints the end of the shared system's output. */
export default class SystemLogReporter implements Reporter {
  onEnd(result: FullResult): void {
    if (result.status === 'passed' || !existsSync(SYSTEM_LOG)) return;
    const lines = readFileSync(SYSTEM_LOG, 'utf8').trimEnd().split('\n');
    const path = relative(process.cwd(), SYSTEM_LOG);
    process.stderr.write(
      outputTail(`The run ${result.status}; the system's output, ${path}`, lines),
    );
  }
}
