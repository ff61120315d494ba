import { startTelemetry } from '@kinema/platform/telemetry';

// main.ts imports this first: the instrumentations patch the libraries as they are loaded.
startTelemetry('catalog');
