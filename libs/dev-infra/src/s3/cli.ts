import { reportListening } from '@kinema/contracts/supervision';
import { parseArgs } from 'node:util';
import { portFlag } from '../net/port-flag';
import { startS3Server } from './s3-server';

const USAGE = 'usage: cli [--host 127.0.0.1] [--port 0] [--data-dir DIR] [--bucket NAME]...';

function parseOptions(): { host?: string; port?: number; dataDir?: string; buckets: string[] } {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      bucket: { type: 'string', multiple: true },
    },
    strict: true,
  });
  return {
    host: values.host,
    port: portFlag('port', values.port),
    dataDir: values['data-dir'],
    buckets: values.bucket ?? [],
  };
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions();
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const server = await startS3Server({
    ...options,
    logger: { info: () => undefined, warn: (msg) => console.warn(msg) },
  }).catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  });
  console.log(`s3 server listening on ${server.endpoint}`);
  reportListening({ s3: server.port });
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    // A second signal means the user is done waiting.
    if (stopping) process.exit(130);
    stopping = true;
    server.stop().then(
      () => {
        console.log(`s3 server stopped (${signal})`);
        // An IPC channel from the launcher would keep the event loop alive.
        process.exit();
      },
      (error: unknown) => {
        console.error(`s3 server failed to stop cleanly: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // Started by the launcher with an IPC channel: its loss means the launcher is gone.
  if (process.connected) process.once('disconnect', () => shutdown('SIGTERM'));
}

void main();
