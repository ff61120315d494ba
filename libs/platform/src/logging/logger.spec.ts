import { spawn } from 'node:child_process';
import { join } from 'node:path';

const LOGGER = join(__dirname, 'logger.ts');
const TSX = require.resolve('tsx/cli');

interface Run {
  lines: Array<Record<string, unknown>>;
  /** Whether the process was still running when the first line arrived. */
  runningAtFirstLine: boolean;
}

/**
 * Runs `body` in a process of its own with `createLogger` in scope, and collects the JSON lines of
 * its standard output until it exits, or until `enough` lines came (then it is stopped).
 */
function runLogging(body: string, enough = Number.POSITIVE_INFINITY): Promise<Run> {
  const program = `const { createLogger } = require(${JSON.stringify(LOGGER)});\n${body}`;
  const child = spawn(process.execPath, [TSX, '--eval', program], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const run: Run = { lines: [], runningAtFirstLine: false };
  let pending = '';
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const complete = pending.split('\n');
      pending = complete.pop() ?? '';
      for (const line of complete) {
        if (run.lines.length === 0) run.runningAtFirstLine = child.exitCode === null;
        run.lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      if (run.lines.length >= enough) child.kill();
    });
    child.on('close', () => resolve(run));
  });
}

describe('createLogger', () => {
  it('writes a line while the process runs on, without waiting for more lines or the exit', async () => {
    const run = await runLogging(
      `createLogger('catalog', 'info').info('ready'); setTimeout(() => undefined, 20_000);`,
      1,
    );
    expect(run.runningAtFirstLine).toBe(true);
    expect(run.lines[0]).toMatchObject({ service: 'catalog', level: 'info', msg: 'ready' });
  }, 30_000);

  it('writes every line still waiting when the process exits', async () => {
    const run = await runLogging(
      `const logger = createLogger('users', 'info');
       for (let i = 0; i < 3; i++) logger.info({ i }, 'line');
       process.exit(0);`,
    );
    expect(run.lines.map((line) => line['i'])).toEqual([0, 1, 2]);
  }, 30_000);

  it('stamps each line with the time it was logged, as ISO 8601 text', async () => {
    const before = Date.now();
    const run = await runLogging(
      `const logger = createLogger('users', 'info');
       logger.info('first');
       const until = Date.now() + 5;
       while (Date.now() < until);
       logger.info('second');
       process.exit(0);`,
    );
    const times = run.lines.map((line) => String(line['time']));
    expect(times.map((time) => new Date(time).toISOString())).toEqual(times);
    const [first, second] = times.map((time) => Date.parse(time)) as [number, number];
    expect(first).toBeGreaterThanOrEqual(before);
    expect(second - first).toBeGreaterThanOrEqual(5);
    expect(second).toBeLessThanOrEqual(Date.now());
  }, 30_000);

  it("keeps the order of the lines of a process's loggers, which share one output", async () => {
    const run = await runLogging(
      `const first = createLogger('gateway', 'info');
       const second = createLogger('gateway', 'info').child({ component: 'events' });
       for (let i = 0; i < 200; i++) (i % 2 ? second : first).info({ i }, 'line');
       process.exit(0);`,
    );
    expect(run.lines.map((line) => line['i'])).toEqual([...Array(200).keys()]);
    expect(run.lines.filter((line) => line['component'] === 'events')).toHaveLength(100);
  }, 30_000);

  it('still redacts credentials in what it logs', async () => {
    const run = await runLogging(
      `createLogger('users', 'info').info({ body: { password: 'hunter2' } }, 'sign-in'); process.exit(0);`,
    );
    expect(run.lines[0]).toMatchObject({ body: { password: '[redacted]' } });
  }, 30_000);
});
