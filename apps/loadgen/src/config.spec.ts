import { parseDuration, parseOptions, type LoadOptions } from './config';

function options(argv: string[], env: NodeJS.ProcessEnv = {}): LoadOptions {
  const parsed = parseOptions(argv, env, () => 1234);
  if (parsed.kind !== 'run') throw new Error(`not run: ${JSON.stringify(parsed)}`);
  return parsed.options;
}

function problems(argv: string[], env: NodeJS.ProcessEnv = {}): string[] {
  const parsed = parseOptions(argv, env);
  if (parsed.kind !== 'invalid') throw new Error(`accepted: ${JSON.stringify(parsed)}`);
  return parsed.problems;
}

describe('load options', () => {
  it('has defaults for a laptop: 10 viewers against localhost:3000 until stopped, a random seed', () => {
    expect(options([])).toEqual({
      target: 'http://localhost:3000',
      users: 10,
      durationMs: 0,
      rampMs: 10_000,
      think: { minMs: 1000, maxMs: 4000 },
      seed: 1234,
      seedChosen: true,
      viewerPassword: 'kinema-load-viewer',
      waitMs: 0,
      intervalMs: 2000,
    });
  });

  it('reads the options, each overriding its environment variable', () => {
    const env = { LOAD_USERS: '3', LOAD_TARGET: 'http://kinema-gateway:80/', LOAD_SEED: '9' };
    expect(
      options(['--users', '5', '--duration', '1m', '--ramp=500ms', '--think', '2s..3s'], env),
    ).toMatchObject({
      target: 'http://kinema-gateway',
      users: 5,
      durationMs: 60_000,
      rampMs: 500,
      think: { minMs: 2000, maxMs: 3000 },
      seed: 9,
      seedChosen: false,
    });
  });

  it('takes the admin from the options or the environment, both or neither', () => {
    expect(
      options(['--admin-email', 'a@example.com'], { LOAD_ADMIN_PASSWORD: 'secret' }).admin,
    ).toEqual({ email: 'a@example.com', password: 'secret' });
    expect(problems(['--admin-email', 'a@example.com'])).toEqual([
      expect.stringContaining('--admin-email and --admin-password'),
    ]);
  });

  it('names every bad option at once, with its variable and what it expected', () => {
    expect(
      problems(['--users', '0', '--duration', 'soon', '--think', '4s..1s', '--target', 'ftp://x']),
    ).toEqual([
      '--target (LOAD_TARGET): expected the gateway\'s http(s) URL, such as http://localhost:3000 (got "ftp://x")',
      '--users (LOAD_USERS): expected a whole number from 1 to 10000 (got "0")',
      '--duration (LOAD_DURATION): expected how long to run (0: until stopped), a duration such as 500ms, 20s, 5m or 1h (got "soon")',
      '--think (LOAD_THINK): expected a range such as 1s..4s (or one duration), lower bound first (got "4s..1s")',
    ]);
  });

  it('refuses an option it does not know and a ramp longer than the run', () => {
    expect(problems(['--user', '5'])).toEqual([expect.stringContaining("'--user'")]);
    expect(problems(['--duration', '5s', '--ramp', '10s'])).toEqual([
      '--ramp (LOAD_RAMP): expected no longer than --duration',
    ]);
  });

  it('ramps over the whole of a run shorter than the default ramp', () => {
    expect(options(['--duration', '4s']).rampMs).toBe(4000);
    expect(options(['--duration', '4s', '--ramp', '1s']).rampMs).toBe(1000);
  });

  it('answers --help with the usage', () => {
    expect(parseOptions(['--help'], {})).toEqual({ kind: 'help' });
  });

  it.each([
    ['20s', 20_000],
    ['500ms', 500],
    ['1.5m', 90_000],
    ['1h', 3_600_000],
    ['7', 7000],
    ['0', 0],
  ])('reads the duration %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '-1s', '1d', 's', '1 s5'])('refuses %j as a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});
