import { ApiKey, defineApi } from './api-handler.types';
import { int16, int32, list, str, struct } from './protocol-schema.codec';

const request = struct({ groupsNames: [list(str)] });

const response = struct({
  throttleTimeMs: [int32],
  results: [list(struct({ groupId: [str], errorCode: [int16] }))],
});

/**
 * DeleteGroups v0-v2: removes an empty group and its committed offsets; a group with members
 * answers NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND, as Kafka does.
 */
export const deleteGroupsApi = defineApi({
  apiKey: ApiKey.DeleteGroups,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  flexibleVersions: '2+',
  request,
  response,
  handle(req, { broker }) {
    return {
      throttleTimeMs: 0,
      results: req.groupsNames.map((groupId) => ({
        groupId,
        errorCode: broker.groups.delete(groupId),
      })),
    };
  },
});
