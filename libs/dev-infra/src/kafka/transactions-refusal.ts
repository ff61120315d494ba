import { BrokerContext } from './broker.context';
import { ErrorCode } from './error-codes.constants';

/**
 * The answer to every transactional request (FindCoordinator for a transaction coordinator,
 * InitProducerId or Produce with a transactional id): this broker has no transaction coordinator.
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED is the one code that every mainstream client treats as
 * fatal at once: librdkafka (so kcat) raises a fatal error from FindCoordinator on it (and on
 * CLUSTER_AUTHORIZATION_FAILED, which would wrongly blame the whole cluster) but retries every
 * other code until `init_transactions` times out; kafkajs and @platformatic/kafka never retry it.
 * Where the response has an error message field (FindCoordinator v1+, Produce v8+) it says why.
 */
export const TRANSACTIONS_REFUSAL = {
  errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  message:
    'transactions are not supported by this development broker (it has no transaction ' +
    'coordinator): produce without a transactional id, or use Apache Kafka',
} as const;

/** Logs a refused transactional request, naming the API, the transactional id and the client. */
export function logTransactionsRefused(
  broker: BrokerContext,
  api: string,
  transactionalId: string,
  clientId: string | null,
): void {
  broker.logger.warn(
    `refused ${api} for transactional id ${transactionalId} from client ${clientId ?? '(none)'}: ${TRANSACTIONS_REFUSAL.message}`,
  );
}
