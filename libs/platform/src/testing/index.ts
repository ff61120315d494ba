export * from './grpc-assertions';
