import { ApiHandler, ApiKey } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { ProtocolWriter } from './protocol-writer.codec';

/** Heartbeat v3: keeps the session alive and tells members when to rejoin. */
export const heartbeatApi: ApiHandler = {
  apiKey: ApiKey.Heartbeat,
  name: 'Heartbeat',
  minVersion: 3,
  maxVersion: 3,
  handle({ body, broker }) {
    const groupId = body.string();
    const generationId = body.int32();
    const memberId = body.string();
    body.nullableString();
    const group = broker.groups.existing(groupId);
    const errorCode =
      group === undefined ? ErrorCode.UNKNOWN_MEMBER_ID : group.heartbeat(memberId, generationId);
    return new ProtocolWriter().int32(0).int16(errorCode).toBuffer();
  },
};
