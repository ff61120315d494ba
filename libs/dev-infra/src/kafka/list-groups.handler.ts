import { ApiKey, defineApi } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { int16, int32, list, str, struct } from './protocol-schema.codec';

const request = struct({ statesFilter: [list(str), '4+'], typesFilter: [list(str), '5+'] });

const response = struct({
  throttleTimeMs: [int32, '1+'],
  errorCode: [int16],
  groups: [
    list(
      struct({
        groupId: [str],
        protocolType: [str],
        groupState: [str, '4+'],
        groupType: [str, '5+'],
      }),
    ),
  ],
});

/** Every group here follows the classic protocol (JoinGroup/SyncGroup), KIP-848's name for it. */
const GROUP_TYPE = 'classic';

/** ListGroups v0-v5: groups with members or committed offsets, filtered by state and type. */
export const listGroupsApi = defineApi({
  apiKey: ApiKey.ListGroups,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 5,
  flexibleVersions: '3+',
  request,
  response,
  handle(req, { broker }) {
    const states = req.statesFilter.map((s) => s.toLowerCase());
    const types = req.typesFilter.map((t) => t.toLowerCase());
    const groups = broker.groups
      .groupIds()
      .map((groupId) => {
        const group = broker.groups.existing(groupId);
        return {
          groupId,
          protocolType: group?.protocolType || 'consumer',
          groupState: group?.state ?? 'Empty',
          groupType: GROUP_TYPE,
        };
      })
      .filter((g) => states.length === 0 || states.includes(g.groupState.toLowerCase()))
      .filter((g) => types.length === 0 || types.includes(g.groupType));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups };
  },
});
