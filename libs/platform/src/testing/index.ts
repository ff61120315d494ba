export * from './grpc-assertions';
export * from './grpc-reflection-client';
export * from './metric-sample';
export * from './config-problems';
export * from './bytes-method';
export * from './in-memory-tracing';
export * from './service-harness';
