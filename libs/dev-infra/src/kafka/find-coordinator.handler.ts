import { ApiHandler, ApiKey } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { ProtocolWriter } from './protocol-writer.codec';

const GROUP_COORDINATOR = 0;

/** FindCoordinator v2: this single node coordinates every group; transactions are not offered. */
export const findCoordinatorApi: ApiHandler = {
  apiKey: ApiKey.FindCoordinator,
  name: 'FindCoordinator',
  minVersion: 2,
  maxVersion: 2,
  handle({ body, broker }) {
    body.string();
    const keyType = body.int8();
    const { nodeId, host, port } = broker.settings;
    const writer = new ProtocolWriter().int32(0);
    if (keyType !== GROUP_COORDINATOR) {
      return writer
        .int16(ErrorCode.INVALID_REQUEST)
        .nullableString('transactions are not supported by this development broker')
        .int32(-1)
        .string('')
        .int32(-1)
        .toBuffer();
    }
    return writer
      .int16(ErrorCode.NONE)
      .nullableString(null)
      .int32(nodeId)
      .string(host)
      .int32(port)
      .toBuffer();
  },
};
