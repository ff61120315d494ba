export * from './failure-log';
export * from './logger';
export * from './request-context';
