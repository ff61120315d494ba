export * from './kafka.factory';
export * from './event-envelope.codec';
export * from './retry-with-backoff';
export * from './wake-signal';
export * from './group-membership';
export * from './kafka-credentials';
export { stopIdleRequestQueueLoop } from './request-queue-idle';
