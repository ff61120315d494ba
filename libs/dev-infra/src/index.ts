export * from './postgres/pglite-server';
export * from './testing/test-database';
export * from './launcher/plan';
export * from './launcher/ports';
export * from './launcher/supervisor';
export * from './launcher/system';
export * from './s3';
export * from './kafka';
