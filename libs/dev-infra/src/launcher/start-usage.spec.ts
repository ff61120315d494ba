import { buildPlan, ONE_EACH } from './plan';
import { START_USAGE } from './start-usage';

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
