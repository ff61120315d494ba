export * from './env';
export * from './load-config';
