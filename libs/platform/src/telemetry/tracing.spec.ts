// The instrumentations patch a library as it is loaded: one loaded before startTelemetry registers
// them stays unpatched for the life of the process, silently (an import of the contracts' barrel
// here once loaded grpc-js first, and the gateway's calls stopped carrying the trace to the
// services). Every app's instrumentation.ts loads this module before anything else.
const INSTRUMENTED_PACKAGES = ['@grpc/grpc-js', 'pg', 'kafkajs', 'ioredis', 'pino'];

describe('starting telemetry', () => {
  it('loads none of the libraries its instrumentations patch', () => {
    const loaded: string[] = [];
    for (const name of INSTRUMENTED_PACKAGES) {
      jest.doMock(name, () => {
        loaded.push(name);
        return {};
      });
    }
    // A module that imports one gets an empty stand-in and may throw: `loaded` says why.
    let failure: unknown;
    jest.isolateModules(() => {
      try {
        require('./index');
      } catch (error) {
        failure = error;
      }
    });
    expect(loaded).toEqual([]);
    expect(failure).toBeUndefined();
  });
});
