export * from './grpc-assertions';
export * from './grpc-reflection-client';
