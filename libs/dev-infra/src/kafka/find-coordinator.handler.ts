import { ApiKey, defineApi } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { int16, int32, int8, list, str, string, struct } from './protocol-schema.codec';
import { logTransactionsRefused, TRANSACTIONS_REFUSAL } from './transactions-refusal';

const GROUP_COORDINATOR = 0;

const request = struct({
  key: [str, '0-3'],
  keyType: [int8, '1+'],
  coordinatorKeys: [list(str), '4+'],
});

const coordinator = {
  nodeId: [int32],
  host: [str],
  port: [int32],
  errorCode: [int16],
  errorMessage: [string('1+')],
} as const;

const response = struct({
  throttleTimeMs: [int32, '1+'],
  errorCode: [int16, '0-3'],
  errorMessage: [string('1-3'), '1-3'],
  nodeId: [int32, '0-3'],
  host: [str, '0-3'],
  port: [int32, '0-3'],
  coordinators: [list(struct({ key: [str], ...coordinator })), '4+'],
});

/**
 * FindCoordinator v0-v6 (v4 on batches keys): this single node coordinates every group; a
 * transaction coordinator is refused with the fatal TRANSACTIONS_REFUSAL, so a transactional
 * producer fails at once instead of searching until its own timeout.
 */
export const findCoordinatorApi = defineApi({
  apiKey: ApiKey.FindCoordinator,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 6,
  flexibleVersions: '3+',
  request,
  response,
  handle(req, { broker, header }) {
    const { nodeId, host, port } = broker.settings;
    const keys = header.apiVersion >= 4 ? req.coordinatorKeys : [req.key];
    if (req.keyType !== GROUP_COORDINATOR) {
      logTransactionsRefused(broker, 'FindCoordinator', keys.join(', '), header.clientId);
    }
    const answer =
      req.keyType === GROUP_COORDINATOR
        ? { nodeId, host, port, errorCode: ErrorCode.NONE, errorMessage: null }
        : {
            nodeId: -1,
            host: '',
            port: -1,
            errorCode: TRANSACTIONS_REFUSAL.errorCode,
            errorMessage: TRANSACTIONS_REFUSAL.message,
          };
    return {
      throttleTimeMs: 0,
      ...answer,
      coordinators: req.coordinatorKeys.map((key) => ({ key, ...answer })),
    };
  },
});
