import { packagesLoadedBy } from '@kinema/dev-infra';

// The instrumentations patch a library as it is loaded: one loaded before startTelemetry registers
// them stays unpatched for the life of the process, silently (an import of the contracts' barrel
// here once loaded grpc-js first, and the gateway's calls stopped carrying the trace to the
// services). Every app's instrumentation.ts loads this module before anything else.
const INSTRUMENTED_PACKAGES = ['@grpc/grpc-js', 'pg', 'kafkajs', 'ioredis', 'pino'];

describe('starting telemetry', () => {
  it('loads none of the libraries its instrumentations patch', () => {
    const { loaded, failure } = packagesLoadedBy(jest, INSTRUMENTED_PACKAGES, () => {
      require('./index');
    });
    expect(loaded).toEqual([]);
    expect(failure).toBeUndefined();
  });
});
