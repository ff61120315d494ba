export * from './bootstrap-grpc-service';
export * from './grpc-exception.filter';
export * from './grpc-server.interceptor';
export * from './grpc-server.options';
export * from './health';
