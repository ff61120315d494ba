import { ApiKey, defineApi } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { bool, bytes, int16, int32, list, str, string, struct } from './protocol-schema.codec';

const request = struct({
  groups: [list(str)],
  includeAuthorizedOperations: [bool, '3+'],
});

const response = struct({
  throttleTimeMs: [int32, '1+'],
  groups: [
    list(
      struct({
        errorCode: [int16],
        groupId: [str],
        groupState: [str],
        protocolType: [str],
        protocolData: [str],
        members: [
          list(
            struct({
              memberId: [str],
              groupInstanceId: [string('4+'), '4+'],
              clientId: [str],
              clientHost: [str],
              memberMetadata: [bytes()],
              memberAssignment: [bytes()],
            }),
          ),
        ],
        authorizedOperations: [int32, '3+'],
      }),
    ),
  ],
});

/** DescribeGroups v0-v5; an unknown group is reported as Dead with no members, as Kafka does. */
export const describeGroupsApi = defineApi({
  apiKey: ApiKey.DescribeGroups,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,
  flexibleVersions: '5+',
  request,
  response,
  handle(req, { broker }) {
    return {
      throttleTimeMs: 0,
      groups: req.groups.map((groupId) => {
        const description = broker.groups.existing(groupId)?.describe() ?? {
          state: 'Dead',
          protocolType: '',
          protocolName: '',
          members: [],
        };
        return {
          errorCode: ErrorCode.NONE,
          groupId,
          groupState: description.state,
          protocolType: description.protocolType,
          protocolData: description.protocolName,
          members: description.members.map((m) => ({
            memberId: m.memberId,
            groupInstanceId: null,
            clientId: m.clientId,
            clientHost: m.clientHost,
            memberMetadata: m.metadata,
            memberAssignment: m.assignment,
          })),
          authorizedOperations: -2147483648,
        };
      }),
    };
  },
});
