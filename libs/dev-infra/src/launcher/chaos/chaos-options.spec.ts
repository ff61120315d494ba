import { ChaosOptionError, formatDuration, parseChaosArgs } from './chaos-options';

function refusal(...args: string[]): string {
  try {
    parseChaosArgs(args);
  } catch (error) {
    if (error instanceof ChaosOptionError) return error.message;
    throw error;
  }
  throw new Error(`expected ${args.join(' ')} to be refused`);
}

describe('kinema chaos arguments', () => {
  it('reads each scenario with its options, 30 s unless --for says otherwise', () => {
    expect(parseChaosArgs(['broker-down'])).toEqual({
      scenario: 'broker-down',
      durationMs: 30_000,
    });
    expect(parseChaosArgs(['users-down', '--for', '2m'])).toEqual({
      scenario: 'users-down',
      durationMs: 120_000,
    });
    expect(parseChaosArgs(['slow-database', '--service', 'catalog', '--latency', '300ms'])).toEqual(
      { scenario: 'slow-database', service: 'catalog', latencyMs: 300, durationMs: 30_000 },
    );
    expect(
      parseChaosArgs(['slow-network', '--service=users', '--latency=1.5s', '--for=10s']),
    ).toEqual({ scenario: 'slow-network', service: 'users', latencyMs: 1_500, durationMs: 10_000 });
    expect(parseChaosArgs(['hung-replica', '--service', 'gateway'])).toEqual({
      scenario: 'hung-replica',
      service: 'gateway',
      durationMs: 30_000,
    });
    expect(parseChaosArgs(['crashed-replica', '--service', 'videos', '--for', '5s'])).toEqual({
      scenario: 'crashed-replica',
      service: 'videos',
      durationMs: 5_000,
    });
  });

  it('names the scenarios when none or an unknown one is given', () => {
    expect(refusal()).toMatch(/^name a scenario: broker-down, slow-database, .*users-down/);
    expect(refusal('net-split')).toBe(
      'no scenario "net-split"; there are broker-down, slow-database, slow-network, hung-replica, crashed-replica, users-down',
    );
  });

  it('refuses an unknown service, and one a scenario cannot break that way', () => {
    expect(refusal('hung-replica', '--service', 'billing')).toBe(
      '--service must be one of catalog, users, videos, gateway for hung-replica (got "billing")',
    );
    expect(refusal('slow-database', '--service', 'gateway', '--latency', '300ms')).toBe(
      '--service must be one of catalog, users, videos for slow-database (got "gateway")',
    );
    expect(refusal('crashed-replica')).toBe(
      'crashed-replica needs --service (usage: crashed-replica --service catalog|users|videos|gateway [--for 30s])',
    );
    expect(refusal('broker-down', '--service', 'catalog')).toMatch(
      /^broker-down takes no --service/,
    );
  });

  it('refuses a latency out of range or not a duration', () => {
    expect(refusal('slow-network', '--service', 'catalog')).toMatch(
      /^slow-network needs --latency/,
    );
    for (const latency of ['0ms', '11s', '300', 'fast', '-5ms', '1e3ms']) {
      expect(refusal('slow-network', '--service', 'catalog', `--latency=${latency}`)).toBe(
        `--latency must be a duration from 1ms to 10s, a number and ms, s or m (got "${latency}")`,
      );
    }
    expect(refusal('users-down', '--latency', '300ms')).toMatch(/^users-down takes no --latency/);
  });

  it('refuses a bad --for, an unknown option and a stray argument', () => {
    expect(refusal('broker-down', '--for', '500ms')).toBe(
      '--for must be a duration from 1s to 60m, a number and ms, s or m (got "500ms")',
    );
    expect(refusal('broker-down', '--for', '2h')).toMatch(/^--for must be a duration/);
    expect(refusal('broker-down', '--verbose')).toBe(
      'unknown option --verbose: chaos takes --service, --latency and --for',
    );
    expect(refusal('broker-down', 'now')).toBe('broker-down takes no argument "now"');
  });

  it('writes durations as they are typed', () => {
    expect([300, 1_500, 30_000, 120_000, 90_000].map(formatDuration)).toEqual([
      '300ms',
      '1.5s',
      '30s',
      '2m',
      '90s',
    ]);
  });
});
