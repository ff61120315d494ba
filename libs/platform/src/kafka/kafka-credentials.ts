import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaClientConfig } from './kafka.factory';

/** Start-up refused: the brokers answered but turned this process's SASL credentials down. */
export class KafkaCredentialsRefusedError extends Error {
  constructor(mechanism: string, detail: string) {
    super(
      `Kafka refused the SASL credentials (mechanism ${mechanism}; check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD): ${detail}`,
    );
    this.name = 'KafkaCredentialsRefusedError';
  }
}

function authenticationFailure(error: unknown): Error | undefined {
  // kafkajs may wrap the broker's refusal in a retry error; the cause chain still carries it.
  for (let current = error; current instanceof Error;) {
    if (current.name === 'KafkaJSSASLAuthenticationError') return current;
    const wrapped = current as Error & { originalError?: unknown; cause?: unknown };
    current = wrapped.originalError ?? wrapped.cause;
  }
  return undefined;
}

/**
 * With SASL configured, one connection at start proves the credentials. A refusal is a
 * configuration error and fails start-up; brokers that cannot be reached do not (the service
 * serves without Kafka and its loops retry, as without SASL).
 */
export async function verifyKafkaCredentials(
  kafka: Kafka,
  config: KafkaClientConfig,
  logger: Logger,
): Promise<void> {
  if (!config.sasl) return;
  const admin = kafka.admin({ retry: { retries: 0 } });
  try {
    await admin.connect();
  } catch (error) {
    const refusal = authenticationFailure(error);
    if (refusal) throw new KafkaCredentialsRefusedError(config.sasl.mechanism, refusal.message);
    logger.warn(
      { err: String(error) },
      'kafka: credentials not checked at start, brokers unreachable',
    );
  } finally {
    await admin.disconnect();
  }
}
