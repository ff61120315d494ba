import { reportListening } from '@kinema/contracts/supervision';
import { parseArgs } from 'node:util';
import { portFlag } from '../net/port-flag';
import { startOtlpReceiver } from './otlp-receiver';

const USAGE = 'usage: cli [--host 127.0.0.1] [--port 0]';

function parseOptions(): { host?: string; port?: number } {
  const { values } = parseArgs({
    options: { host: { type: 'string' }, port: { type: 'string' } },
    strict: true,
  });
  return { host: values.host, port: portFlag('port', values.port) };
}

async function main(): Promise<void> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions();
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const receiver = await startOtlpReceiver(options).catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  });
  console.log(`otlp receiver listening on ${receiver.url} (POST /v1/traces, query API under /api)`);
  reportListening({ otlp: receiver.port });
  let stopping = false;
  const shutdown = (signal: string): void => {
    // A second signal means the user is done waiting.
    if (stopping) process.exit(130);
    stopping = true;
    receiver.stop().then(
      () => {
        console.log(`otlp receiver stopped (${signal})`);
        // An IPC channel from the launcher would keep the event loop alive.
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`otlp receiver failed to stop cleanly: ${(error as Error).message}`);
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
