export * from './kafka-consumer.runner';
export * from './messaging.migration';
export * from './messaging.module';
export * from './outbox.publisher';
export * from './outbox.relay';
export * from './topic-admin';
export * from './outbox-metrics';
