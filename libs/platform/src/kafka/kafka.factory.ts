import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';
import { stopIdleRequestQueueLoop } from './request-queue-idle';

export interface KafkaClientConfig {
  brokers: string[];
  clientId: string;
}

const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose logs join the service's JSON log, with short timeouts so an absent broker is noticed fast. */
export function createKafka(config: KafkaClientConfig, logger: Logger): Kafka {
  stopIdleRequestQueueLoop();
  const options: KafkaConfig = {
    clientId: config.clientId,
    brokers: config.brokers,
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
  return new Kafka(options);
}
