import { normalizeTarget } from './grpc-client.factory';

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
