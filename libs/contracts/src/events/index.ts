export * from './catalog-events';
export * from './envelope';
export * from './topics';
export * from './users-events';
