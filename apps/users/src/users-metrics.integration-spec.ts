import { metricSample as sample } from '@kinema/platform/testing';
import { startTestUsers, type UsersHarness } from './testing/users-test-harness';

describe('users service metrics', () => {
  let users: UsersHarness;
  beforeAll(async () => (users = await startTestUsers()));
  afterAll(() => users.close());

  const metrics = async () =>
    (await fetch(`http://127.0.0.1:${users.running.opsPort}/metrics`)).text();

  it('counts each RPC once, under its proto service and method', async () => {
    const labels = {
      grpc_service: 'kinema.users.v1.UsersService',
      grpc_method: 'GetSigningKeys',
      grpc_code: 'OK',
    };
    const before = sample(await metrics(), 'grpc_server_handled_total', labels);
    await users.rpc.getSigningKeys();
    const after = sample(await metrics(), 'grpc_server_handled_total', labels);
    expect(after - before).toBe(1);
    expect(await metrics()).not.toMatch(/grpc_service="\w+GrpcController"/);
  });
});
