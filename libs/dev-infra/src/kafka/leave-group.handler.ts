import { ApiKey, defineApi } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { int16, int32, list, str, string, struct } from './protocol-schema.codec';

const request = struct({
  groupId: [str],
  memberId: [str, '0-2'],
  members: [
    list(
      struct({
        memberId: [str],
        groupInstanceId: [string('3+')],
        reason: [string('5+'), '5+', null],
      }),
    ),
    '3+',
  ],
});

const response = struct({
  throttleTimeMs: [int32, '1+'],
  errorCode: [int16],
  members: [
    list(struct({ memberId: [str], groupInstanceId: [string('3+')], errorCode: [int16] })),
    '3+',
  ],
});

/**
 * LeaveGroup v0-v5: one member up to v2, a batch of members from v3; leaving triggers a rebalance
 * for those who stay.
 */
export const leaveGroupApi = defineApi({
  apiKey: ApiKey.LeaveGroup,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  flexibleVersions: '4+',
  request,
  response,
  handle(req, { header, broker }) {
    const members =
      header.apiVersion >= 3
        ? req.members
        : [{ memberId: req.memberId, groupInstanceId: null, reason: null }];
    const group = broker.groups.existing(req.groupId);
    const outcomes = members.map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      errorCode: group === undefined ? ErrorCode.UNKNOWN_MEMBER_ID : group.leave(m.memberId),
    }));
    return {
      throttleTimeMs: 0,
      // Batched versions report an unknown group per member (UNKNOWN_MEMBER_ID), as Kafka does.
      errorCode: header.apiVersion >= 3 ? ErrorCode.NONE : outcomes[0].errorCode,
      members: outcomes,
    };
  },
});
