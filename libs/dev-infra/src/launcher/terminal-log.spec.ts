import { terminalLog } from './terminal-log';

function capture(options: { json?: boolean; level?: string }) {
  const lines: string[] = [];
  const sink = terminalLog({
    json: options.json ?? false,
    colour: false,
    level: options.level ?? 'warn',
    write: (text) => lines.push(text),
  });
  return { sink, lines };
}

const entry = (level: string, msg: string) =>
  JSON.stringify({ level, time: '2026-11-23T10:00:00.000Z', service: 'catalog', pid: 7, msg });

describe('the launcher terminal log', () => {
  it('shows a service line at or above the level, formatted behind the process name', () => {
    const { sink, lines } = capture({ level: 'warn' });
    sink('catalog-2', entry('info', 'request done'), 'stdout');
    sink('catalog-2', entry('warn', 'database slow'), 'stdout');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^catalog-2 +\| .*WARN.*database slow\n$/);
    expect(lines[0]).not.toContain('{');
  });

  it('shows plain stderr (a runtime warning) always, plain stdout only from info', () => {
    const quiet = capture({ level: 'warn' });
    quiet.sink('kafka', 'kafka broker listening on 127.0.0.1:1', 'stdout');
    quiet.sink('users', '(node:1) SomeWarning: careful', 'stderr');
    expect(quiet.lines).toEqual(['users           | (node:1) SomeWarning: careful\n']);
    const chatty = capture({ level: 'info' });
    chatty.sink('kafka', 'kafka broker listening on 127.0.0.1:1', 'stdout');
    expect(chatty.lines).toHaveLength(1);
  });

  it('passes JSON through unchanged with --json and wraps plain lines with the process name', () => {
    const { sink, lines } = capture({ json: true, level: 'info' });
    sink('catalog', entry('debug', 'kept'), 'stdout');
    sink('s3', 's3 server listening', 'stdout');
    expect(lines[0]).toBe(`${entry('debug', 'kept')}\n`);
    expect(JSON.parse(lines[1] ?? '')).toEqual({
      level: 'info',
      service: 's3',
      msg: 's3 server listening',
    });
  });
});
