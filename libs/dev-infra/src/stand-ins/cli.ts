import {
  isSupervisionMessage,
  reportListening,
  tellSupervisor,
  type Listeners,
} from '@kinema/contracts/supervision';
import { parseArgs } from 'node:util';
import { brokerSecurity } from '../kafka/broker-security-flags';
import { startKafkaBroker, type RunningKafkaBroker } from '../kafka/kafka-broker';
import { startOtlpReceiver } from '../otlp/otlp-receiver';
import { portFlag } from '../net/port-flag';
import { startS3Server } from '../s3/s3-server';

// The Kafka-protocol broker, the S3 server and the OTLP receiver in one process, each on its own
// port and started only when its port is given: what `npm start` runs for the stand-ins it
// embeds, saving a Node process per stand-in (50-60 MiB of the node binary and its runtime). The
// broker's listener can be closed and opened again on the same port over the IPC channel
// (`kinema.switch-listener`), which is how `kinema chaos broker-down` stops Kafka alone.
const USAGE =
  'usage: cli [--host 127.0.0.1] [--kafka-port 0 --kafka-data-dir DIR [--kafka-tls-cert FILE ' +
  '--kafka-tls-key FILE [--kafka-tls-ca FILE]] [--kafka-sasl-mechanisms LIST]] ' +
  '[--s3-port 0 --s3-data-dir DIR [--bucket NAME]...] [--otlp-port 0]';

interface Stopping {
  name: string;
  stop(): Promise<void>;
}

function parseOptions() {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      'kafka-port': { type: 'string' },
      'kafka-data-dir': { type: 'string' },
      'kafka-tls-cert': { type: 'string' },
      'kafka-tls-key': { type: 'string' },
      'kafka-tls-ca': { type: 'string' },
      'kafka-sasl-mechanisms': { type: 'string' },
      's3-port': { type: 'string' },
      's3-data-dir': { type: 'string' },
      bucket: { type: 'string', multiple: true },
      'otlp-port': { type: 'string' },
    },
    strict: true,
  });
  return {
    host: values.host,
    kafkaPort: portFlag('kafka-port', values['kafka-port']),
    kafkaDataDir: values['kafka-data-dir'],
    kafkaSecurity: brokerSecurity(values, 'kafka-'),
    s3Port: portFlag('s3-port', values['s3-port']),
    s3DataDir: values['s3-data-dir'],
    buckets: values.bucket ?? [],
    otlpPort: portFlag('otlp-port', values['otlp-port']),
  };
}

type Options = ReturnType<typeof parseOptions>;

/**
 * The broker, and how to close its listener (and its connections) and open it again on the port
 * it first bound: the services keep the address they were given.
 */
function switchableBroker(options: Options, port: number) {
  let boundPort = port;
  let broker: Promise<RunningKafkaBroker> | undefined;
  return {
    open(): Promise<RunningKafkaBroker> {
      broker ??= startKafkaBroker({
        host: options.host,
        port: boundPort,
        dataDir: options.kafkaDataDir,
        ...options.kafkaSecurity,
        logger: { info: () => undefined, warn: (msg) => console.warn(`kafka broker: ${msg}`) },
      }).then(
        (running) => {
          boundPort = running.port;
          return running;
        },
        (error: unknown) => {
          broker = undefined;
          throw error;
        },
      );
      return broker;
    },
    async close(): Promise<void> {
      const closing = broker;
      broker = undefined;
      await (await closing)?.stop();
    },
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
  const listeners: Listeners = {};
  const stopping: Stopping[] = [];
  const broker =
    options.kafkaPort === undefined ? undefined : switchableBroker(options, options.kafkaPort);
  try {
    await Promise.all([
      broker &&
        (async () => {
          const running = await broker.open();
          listeners.kafka = running.port;
          console.log(`kafka broker listening on ${running.address}`);
          stopping.push({ name: 'kafka broker', stop: () => broker.close() });
        })(),
      options.s3Port !== undefined &&
        (async () => {
          const s3 = await startS3Server({
            host: options.host,
            port: options.s3Port,
            dataDir: options.s3DataDir,
            buckets: options.buckets,
            logger: { info: () => undefined, warn: (msg) => console.warn(msg) },
          });
          listeners.s3 = s3.port;
          console.log(`s3 server listening on ${s3.endpoint}`);
          stopping.push({ name: 's3 server', stop: () => s3.stop() });
        })(),
      options.otlpPort !== undefined &&
        (async () => {
          const otlp = await startOtlpReceiver({ host: options.host, port: options.otlpPort });
          listeners.otlp = otlp.port;
          console.log(
            `otlp receiver listening on ${otlp.url} (POST /v1/traces, query API under /api)`,
          );
          stopping.push({ name: 'otlp receiver', stop: () => otlp.stop() });
        })(),
    ]);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  reportListening(listeners);
  process.on('message', (message: unknown) => {
    if (!isSupervisionMessage(message) || message.type !== 'kinema.switch-listener') return;
    const { listener, open } = message;
    const switched = (error?: string) =>
      tellSupervisor({
        type: 'kinema.listener-switched',
        listener,
        open,
        ...(error ? { error } : {}),
      });
    if (listener !== 'kafka' || !broker) {
      switched(`this process has no ${listener} listener to switch`);
      return;
    }
    (open ? broker.open() : broker.close()).then(
      () => switched(),
      (error: unknown) => switched((error as Error).message),
    );
  });
  let shuttingDown = false;
  const shutdown = (signal: string): void => {
    // A second signal means the user is done waiting.
    if (shuttingDown) process.exit(130);
    shuttingDown = true;
    Promise.all(stopping.map((standIn) => standIn.stop())).then(
      () => {
        console.log(`${stopping.map((standIn) => standIn.name).join(', ')} stopped (${signal})`);
        // An IPC channel from the launcher would keep the event loop alive.
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`a stand-in failed to stop cleanly: ${(error as Error).message}`);
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
