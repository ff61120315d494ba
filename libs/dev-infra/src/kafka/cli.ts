import { reportListening } from '@kinema/contracts/supervision';
import { parseArgs } from 'node:util';
import { startKafkaBroker } from './kafka-broker';
import { portFlag } from '../net/port-flag';
import { brokerSecurity } from './broker-security-flags';

const usage = `usage: kafka-broker [--host 127.0.0.1] [--port 9092] [--data-dir DIR] [--partitions 6] [--no-auto-create]
  [--tls-cert FILE --tls-key FILE [--tls-ca FILE]] [--sasl-mechanisms PLAIN,SCRAM-SHA-256,SCRAM-SHA-512]
  With --sasl-mechanisms, KAFKA_BROKER_SASL_USERS=name:password,... names who may connect
  (in the environment, not on the command line, so that ps does not show the passwords).`;

function parseInteger(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > 65535)
    throw new Error(`--${name} must be an integer >= ${min}, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      partitions: { type: 'string' },
      'no-auto-create': { type: 'boolean' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-ca': { type: 'string' },
      'sasl-mechanisms': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  const broker = await startKafkaBroker({
    host: values.host,
    port: portFlag('port', values.port) ?? 9092,
    dataDir: values['data-dir'],
    defaultPartitions: parseInteger('partitions', values.partitions, 6, 1),
    autoCreateTopics: !values['no-auto-create'],
    ...brokerSecurity(values),
    logger: {
      info: () => undefined,
      warn: (msg) => process.stderr.write(`kafka broker: ${msg}\n`),
    },
  });
  process.stdout.write(`kafka broker listening on ${broker.address}\n`);
  reportListening({ kafka: broker.port });

  const shutdown = (signal: string): void => {
    process.stdout.write(`kafka broker: ${signal}, stopping\n`);
    broker.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  // Started by the launcher with an IPC channel: its loss means the launcher is gone.
  if (process.connected) process.once('disconnect', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `kafka broker: ${error instanceof Error ? error.message : String(error)}\n${usage}\n`,
  );
  process.exit(1);
});
