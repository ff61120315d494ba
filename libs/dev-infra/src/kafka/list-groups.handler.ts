import { ApiHandler, ApiKey } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { ProtocolWriter } from './protocol-writer.codec';

/** ListGroups v2: groups with members or committed offsets. */
export const listGroupsApi: ApiHandler = {
  apiKey: ApiKey.ListGroups,
  name: 'ListGroups',
  minVersion: 2,
  maxVersion: 2,
  handle({ broker }) {
    const groups = broker.groups.groupIds().map((groupId) => ({
      groupId,
      protocolType: broker.groups.existing(groupId)?.protocolType || 'consumer',
    }));
    return new ProtocolWriter()
      .int32(0)
      .int16(ErrorCode.NONE)
      .array(groups, (w, g) => w.string(g.groupId).string(g.protocolType))
      .toBuffer();
  },
};
