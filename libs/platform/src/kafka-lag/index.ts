export * from './consumer-lag';
