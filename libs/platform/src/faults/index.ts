export * from './call-latency.interceptor';
export * from './fault-injection.module';
export * from './fault-state';
export * from './lagging-socket';
