import { ApiHandler, ApiKey } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { ProtocolWriter } from './protocol-writer.codec';

/** InitProducerId v1 for idempotent producers; a transactional id is refused (no transactions). */
export const initProducerIdApi: ApiHandler = {
  apiKey: ApiKey.InitProducerId,
  name: 'InitProducerId',
  minVersion: 1,
  maxVersion: 1,
  handle({ body, broker }) {
    const transactionalId = body.nullableString();
    body.int32();
    const writer = new ProtocolWriter().int32(0);
    if (transactionalId !== null)
      return writer.int16(ErrorCode.INVALID_REQUEST).int64(-1).int16(-1).toBuffer();
    return writer
      .int16(ErrorCode.NONE)
      .int64(broker.identity.allocateProducerId())
      .int16(0)
      .toBuffer();
  },
};
