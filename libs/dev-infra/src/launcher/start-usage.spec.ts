import { buildPlan, ONE_EACH } from './plan';
import { readStartOptions, START_USAGE, StartUsageError } from './start-usage';

describe('npm start --help', () => {
  it('names every port variable the launch plan reads', () => {
    const plan = buildPlan({
      env: {},
      scale: ONE_EACH,
      dataDir: '/tmp/kinema-usage-spec',
      ephemeralPorts: false,
      demoTitles: 10,
      logLevel: 'warn',
    });
    const variables = plan.ports.map((setting) => setting.variable);
    expect(variables).toContain('GATEWAY_OPS_PORT');
    for (const variable of variables) expect(START_USAGE).toMatch(new RegExp(`\\b${variable}\\b`));
  });
});

describe('npm start arguments', () => {
  it('reads the options and KINEMA_SCALE', () => {
    expect(
      readStartOptions(['--reset', '--data-dir', '/tmp/d', '--scale', 'catalog=3'], {}),
    ).toMatchObject({
      reset: true,
      dataDir: '/tmp/d',
      scale: { catalog: 3, users: 1, videos: 1, gateway: 1 },
    });
    expect(readStartOptions([], { KINEMA_SCALE: 'users=2' }).scale.users).toBe(2);
  });

  it('refuses an unknown option, a stray argument and a bad scale, saying where the options are', () => {
    for (const [args, detail] of [
      [['--bogus'], "Unknown option '--bogus'"],
      [['reset'], "Unexpected argument 'reset'"],
      [['--scale', 'catalog=0'], 'catalog: the count must be from 1 to 16, got 0'],
    ] as const) {
      expect(() => readStartOptions(args, {})).toThrow(StartUsageError);
      expect(() => readStartOptions(args, {})).toThrow(
        new RegExp(`${detail}.*\\(npm start -- --help lists the options\\)`),
      );
    }
  });
});
