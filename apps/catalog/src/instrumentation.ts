import { startTelemetry } from '@kinema/platform/telemetry';

// main.ts and the first-start job's demo-seed.main.ts import this first: the instrumentations
// patch the libraries as they are loaded.
startTelemetry('catalog');
