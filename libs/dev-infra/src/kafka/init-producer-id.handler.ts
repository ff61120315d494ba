import { ApiKey, defineApi } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { int16, int32, int64, string, struct } from './protocol-schema.codec';
import { logTransactionsRefused, TRANSACTIONS_REFUSAL } from './transactions-refusal';

const request = struct({
  transactionalId: [string('0+')],
  transactionTimeoutMs: [int32],
  producerId: [int64, '3+', -1],
  producerEpoch: [int16, '3+', -1],
});

const response = struct({
  throttleTimeMs: [int32],
  errorCode: [int16],
  producerId: [int64],
  producerEpoch: [int16],
});

/**
 * InitProducerId v0-v5 for idempotent producers: every call gets a fresh producer id (which is
 * also what an epoch bump needs); a transactional id gets the fatal TRANSACTIONS_REFUSAL.
 */
export const initProducerIdApi = defineApi({
  apiKey: ApiKey.InitProducerId,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,
  flexibleVersions: '2+',
  request,
  response,
  handle(req, { broker, header }) {
    if (req.transactionalId !== null) {
      logTransactionsRefused(broker, 'InitProducerId', req.transactionalId, header.clientId);
      return {
        throttleTimeMs: 0,
        errorCode: TRANSACTIONS_REFUSAL.errorCode,
        producerId: -1,
        producerEpoch: -1,
      };
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      producerId: broker.identity.allocateProducerId(),
      producerEpoch: 0,
    };
  },
});
