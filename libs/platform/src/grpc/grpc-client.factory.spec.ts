import { grpcClientChannelOptions, normalizeTarget } from './grpc-client.factory';

describe('gRPC targets', () => {
  it.each([
    ['catalog:50051', 'dns:///catalog:50051'],
    ['localhost:50051', 'dns:///127.0.0.1:50051'],
    ['10.0.0.1:50051,10.0.0.2:50051', 'ipv4:10.0.0.1:50051,10.0.0.2:50051'],
    ['dns:///catalog.kinema.svc:50051', 'dns:///catalog.kinema.svc:50051'],
    ['ipv4:127.0.0.1:1', 'ipv4:127.0.0.1:1'],
    ['supervisor:///catalog', 'supervisor:///catalog'],
  ])('%s is dialled as %s', (target, expected) => {
    expect(normalizeTarget(target)).toBe(expected);
  });
});

describe('gRPC channel options', () => {
  const options = grpcClientChannelOptions({
    target: 'catalog:50051',
    service: 'kinema.catalog.v1.CatalogService',
    idempotentMethods: ['GetTitle'],
    deadlineMs: 5_000,
  });
  const serviceConfig = JSON.parse(String(options['grpc.service_config'])) as {
    methodConfig: Array<{ name: Array<{ method: string }>; hedgingPolicy?: unknown }>;
  };

  it('hedges the idempotent methods only, so a write is never sent twice', () => {
    expect(serviceConfig.methodConfig).toHaveLength(1);
    expect(serviceConfig.methodConfig[0]?.name).toEqual([
      { service: 'kinema.catalog.v1.CatalogService', method: 'GetTitle' },
    ]);
    expect(serviceConfig.methodConfig[0]?.hedgingPolicy).toMatchObject({ maxAttempts: 5 });
  });

  it('drops a connection whose ping goes unanswered within about two seconds', () => {
    expect(
      Number(options['grpc.keepalive_time_ms']) + Number(options['grpc.keepalive_timeout_ms']),
    ).toBeLessThanOrEqual(2_000);
  });
});
