import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaEnv } from '../config/kafka-env';
import { stopIdleRequestQueueLoop } from './request-queue-idle';

export interface KafkaClientConfig {
  brokers: string[];
  clientId: string;
  /** true: TLS with the system's CAs; options: a CA bundle and/or a client certificate. */
  ssl?: boolean | ConnectionOptions;
  sasl?: SASLOptions;
}

/** The client settings the KAFKA_* variables mean (already validated by withKafkaChecks). */
export function kafkaClientConfig(env: KafkaEnv, clientId: string): KafkaClientConfig {
  return {
    brokers: env.KAFKA_BROKERS,
    clientId,
    ...(env.KAFKA_SSL ? { ssl: tlsOptions(env) } : {}),
    ...(env.KAFKA_SASL_MECHANISM ? { sasl: saslOptions(env) } : {}),
  };
}

function tlsOptions(env: KafkaEnv): true | ConnectionOptions {
  const read = (path: string | undefined) => (path ? readFileSync(path, 'utf8') : undefined);
  const options: ConnectionOptions = {
    ...(env.KAFKA_SSL_CA_FILE ? { ca: read(env.KAFKA_SSL_CA_FILE) } : {}),
    ...(env.KAFKA_SSL_CERT_FILE ? { cert: read(env.KAFKA_SSL_CERT_FILE) } : {}),
    ...(env.KAFKA_SSL_KEY_FILE ? { key: read(env.KAFKA_SSL_KEY_FILE) } : {}),
  };
  return Object.keys(options).length === 0 ? true : options;
}

function saslOptions(env: KafkaEnv): SASLOptions {
  const username = env.KAFKA_SASL_USERNAME ?? '';
  const password = env.KAFKA_SASL_PASSWORD ?? '';
  switch (env.KAFKA_SASL_MECHANISM) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
    default: {
      // MSK's IAM listener takes a SigV4-signed token over OAUTHBEARER; AWS's signer resolves the
      // credentials through the SDK's default chain (IRSA, instance metadata, env) at each call.
      // Loaded only here: the signer brings the AWS SDK's credential providers, which no other
      // setting needs in memory.
      const region = env.AWS_REGION ?? '';
      return {
        mechanism: 'oauthbearer',
        oauthBearerProvider: async () => {
          const { generateAuthToken } = await import('aws-msk-iam-sasl-signer-js');
          return { value: (await generateAuthToken({ region })).token };
        },
      };
    }
  }
}

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * A kafkajs client, its connections idle without a timer loop (stopIdleRequestQueueLoop). The
 * services', the tests' and the benches' clients are made here, so none runs kafkajs's 1 ms loop
 * (which Node 23 and later also report, a TimeoutNegativeWarning per process); the broker's own
 * tests, in a library that does not import this one, get the fix from their jest setup.
 */
export function kafkaClient(options: KafkaConfig): Kafka {
  stopIdleRequestQueueLoop();
  return new Kafka(options);
}

/** A kafkajs client whose logs join the service's JSON log, with short timeouts so an absent broker is noticed fast. */
export function createKafka(config: KafkaClientConfig, logger: Logger): Kafka {
  const options: KafkaConfig = {
    clientId: config.clientId,
    brokers: config.brokers,
    ...(config.ssl === undefined ? {} : { ssl: config.ssl }),
    ...(config.sasl === undefined ? {} : { sasl: config.sasl }),
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    // Few client-level retries: the relay and consumers run their own backoff loops, and a shutdown
    // should not wait out a long retry schedule against an absent broker.
    retry: { retries: 2, initialRetryTime: 200, maxRetryTime: 2_000 },
    // kafkajs reports every refused connection as an error; the relay and consumer loops already
    // log one warning per retry with their backoff, so its own logs appear only when debugging.
    logLevel: logger.isLevelEnabled('debug') ? logLevel.INFO : logLevel.NOTHING,
    logCreator:
      () =>
      ({ level, namespace, log }: LogEntry) => {
        const { message, ...extra } = log;
        logger[levels[level] ?? 'info']({ kafka: namespace, ...extra }, message);
      },
  };
  return kafkaClient(options);
}
