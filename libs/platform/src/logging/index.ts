export * from './failure-log';
export * from './logger';
export * from './request-context';
export * from './trace-fields';
