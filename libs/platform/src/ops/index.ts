export * from './lifecycle';
export * from './metrics';
export * from './metrics-server';
export * from './ops.module';
export * from './readiness-details';
