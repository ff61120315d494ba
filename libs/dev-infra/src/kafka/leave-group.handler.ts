import { ApiHandler, ApiKey } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { ProtocolWriter } from './protocol-writer.codec';

/** LeaveGroup v3 (batch of members); leaving triggers a rebalance for those who stay. */
export const leaveGroupApi: ApiHandler = {
  apiKey: ApiKey.LeaveGroup,
  name: 'LeaveGroup',
  minVersion: 3,
  maxVersion: 3,
  handle({ body, broker }) {
    const groupId = body.string();
    const members = body.array((m) => ({
      memberId: m.string(),
      groupInstanceId: m.nullableString(),
    }));
    const group = broker.groups.existing(groupId);
    const outcomes = members.map((m) => ({
      ...m,
      errorCode: group === undefined ? ErrorCode.UNKNOWN_MEMBER_ID : group.leave(m.memberId),
    }));
    return (
      new ProtocolWriter()
        .int32(0)
        // Kafka reports an unknown group per member (UNKNOWN_MEMBER_ID), not at the top level.
        .int16(ErrorCode.NONE)
        .array(outcomes, (w, o) =>
          w.string(o.memberId).nullableString(o.groupInstanceId).int16(o.errorCode),
        )
        .toBuffer()
    );
  },
};
