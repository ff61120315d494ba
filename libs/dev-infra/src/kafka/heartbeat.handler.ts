import { ApiKey, defineApi } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { int16, int32, str, string, struct } from './protocol-schema.codec';

const request = struct({
  groupId: [str],
  generationId: [int32],
  memberId: [str],
  groupInstanceId: [string('3+'), '3+', null],
});

const response = struct({ throttleTimeMs: [int32, '1+'], errorCode: [int16] });

/** Heartbeat v0-v4: keeps the session alive and tells members when to rejoin. */
export const heartbeatApi = defineApi({
  apiKey: ApiKey.Heartbeat,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  flexibleVersions: '4+',
  request,
  response,
  handle(req, { broker }) {
    const group = broker.groups.existing(req.groupId);
    const errorCode =
      group === undefined
        ? ErrorCode.UNKNOWN_MEMBER_ID
        : group.heartbeat(req.memberId, req.generationId);
    return { throttleTimeMs: 0, errorCode };
  },
});
