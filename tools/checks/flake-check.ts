// Runs a test command N times in a row and reports every failing test of every run, so a test
// that fails once in a while is seen instead of retried away.
// Usage: npx tsx tools/checks/flake-check.ts [--runs 5] [--command "npm test"]
//        (default command: the e2e suite, `npx nx run e2e:e2e --skip-nx-cache`)
import { spawn } from 'node:child_process';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import { runScript } from '@kinema/dev-infra';

interface Run {
  index: number;
  exitCode: number;
  seconds: number;
  failed: string[];
}

/** Jest prints `● <describe> › <test>` for each failure; Nx names each failed task. */
function failuresIn(output: string): string[] {
  const plain = stripVTControlCharacters(output);
  const tests = [...plain.matchAll(/^\s+● (.+ › .+)$/gm)].map((m) => m[1] ?? '');
  const tasks = [...plain.matchAll(/^- (\S+:\S+)$/gm)].map((m) => `task ${m[1] ?? ''}`);
  return [...new Set([...tests, ...tasks])];
}

function runOnce(command: string, index: number): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) =>
      resolve({
        index,
        exitCode: code ?? 1,
        seconds: (Date.now() - started) / 1000,
        failed: failuresIn(output),
      }),
    );
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      command: {
        type: 'string',
        default: 'npx nx run e2e:e2e --skip-nx-cache --output-style=static',
      },
    },
  });
  const runs: Run[] = [];
  for (let i = 1; i <= Number(values.runs); i++) {
    const run = await runOnce(values.command, i);
    runs.push(run);
    process.stdout.write(
      `run ${i}: ${run.exitCode === 0 ? 'passed' : `FAILED (exit ${run.exitCode})`} in ${run.seconds.toFixed(0)}s` +
        `${run.failed.map((name) => `\n  failed: ${name}`).join('')}\n`,
    );
  }
  const failedRuns = runs.filter((run) => run.exitCode !== 0);
  process.stdout.write(
    `\n${runs.length} runs of \`${values.command}\`: ${runs.length - failedRuns.length} passed, ${failedRuns.length} failed\n`,
  );
  process.exitCode = failedRuns.length === 0 ? 0 : 1;
}

runScript(main);
