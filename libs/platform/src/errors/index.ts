export * from './domain-error';
export * from './grpc-error-codec';
export * from './problem';
export * from './status-mapping';
