export * from './env';
export * from './service-config';
export * from './load-config';
export * from './config-checks';
export * from './database-tls';
export * from './kafka-env';
export * from './pem-file';
export * from './replica-name';
