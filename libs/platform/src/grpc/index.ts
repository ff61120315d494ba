export * from './grpc-client.factory';
export * from './unary-call';
