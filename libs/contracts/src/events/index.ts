export * from './catalog-events';
export * from './envelope';
export * from './topics';
export * from './users-events';
export * from './videos-events';
export * from './videos-events';
