import type { FullResult, Reporter } from '@playwright/test/reporter';
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { PRINTED_LINES, SYSTEM_LOG } from './system-log';

/** After a run that did not pass, prints the end of the shared system's output. */
export default class SystemLogReporter implements Reporter {
  onEnd(result: FullResult): void {
    if (result.status === 'passed' || !existsSync(SYSTEM_LOG)) return;
    const lines = readFileSync(SYSTEM_LOG, 'utf8').trimEnd().split('\n');
    const left = lines.length - PRINTED_LINES;
    const path = relative(process.cwd(), SYSTEM_LOG);
    process.stderr.write(
      `\nThe run ${result.status}; the system's output (${path}` +
        `${left > 0 ? `, its last ${PRINTED_LINES} lines` : ''}):\n` +
        `${lines.slice(-PRINTED_LINES).join('\n')}\n`,
    );
  }
}
