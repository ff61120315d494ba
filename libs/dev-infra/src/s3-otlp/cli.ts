import { reportListening } from '@kinema/contracts';
import { parseArgs } from 'node:util';
import { startOtlpReceiver } from '../otlp/otlp-receiver';
import { startS3Server } from '../s3/s3-server';

// The S3 server and the OTLP receiver in one process, each on its own port: what `npm start` runs
// when both are embedded, saving a Node process (50-60 MiB of the node binary and its runtime).
const USAGE =
  'usage: cli [--host 127.0.0.1] [--s3-port 0] [--data-dir DIR] [--bucket NAME]... [--otlp-port 0]';

interface Options {
  host?: string;
  s3Port?: number;
  otlpPort?: number;
  dataDir?: string;
  buckets: string[];
}

function portOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65535) {
    throw new Error(`--${name} must be an integer between 0 and 65535, got "${value}"`);
  }
  return Number(value);
}

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      's3-port': { type: 'string' },
      'otlp-port': { type: 'string' },
      'data-dir': { type: 'string' },
      bucket: { type: 'string', multiple: true },
    },
    strict: true,
  });
  return {
    host: values.host,
    s3Port: portOption('s3-port', values['s3-port']),
    otlpPort: portOption('otlp-port', values['otlp-port']),
    dataDir: values['data-dir'],
    buckets: values.bucket ?? [],
  };
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseOptions();
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const [s3, otlp] = await Promise.all([
    startS3Server({
      host: options.host,
      port: options.s3Port,
      dataDir: options.dataDir,
      buckets: options.buckets,
      logger: { info: () => undefined, warn: (msg) => console.warn(msg) },
    }),
    startOtlpReceiver({ host: options.host, port: options.otlpPort }),
  ]).catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  });
  console.log(`s3 server listening on ${s3.endpoint}`);
  console.log(`otlp receiver listening on ${otlp.url} (POST /v1/traces, query API under /api)`);
  reportListening({ s3: s3.port, otlp: otlp.port });
  let stopping = false;
  const shutdown = (signal: string): void => {
    // A second signal means the user is done waiting.
    if (stopping) process.exit(130);
    stopping = true;
    Promise.all([s3.stop(), otlp.stop()]).then(
      () => {
        console.log(`s3 server and otlp receiver stopped (${signal})`);
        // An IPC channel from the launcher would keep the event loop alive.
        process.exit(0);
      },
      (error: unknown) => {
        console.error(
          `s3 server or otlp receiver failed to stop cleanly: ${(error as Error).message}`,
        );
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // Started by the launcher with an IPC channel: its loss means the launcher is gone.
  if (process.connected) process.once('disconnect', () => shutdown('SIGTERM'));
}

void main();
