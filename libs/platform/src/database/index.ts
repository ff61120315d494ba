export * from './database.module';
export * from './migrations';
export * from './pg-errors';
