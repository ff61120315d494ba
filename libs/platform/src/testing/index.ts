export * from './grpc-assertions';
export * from './metric-sample';
