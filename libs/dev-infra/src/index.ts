export * from './postgres/pglite-server';
export * from './testing/test-database';
