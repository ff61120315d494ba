export * from './tracing';
export * from './trace-context';
export * from './telemetry-config';
export * from './untraced';
