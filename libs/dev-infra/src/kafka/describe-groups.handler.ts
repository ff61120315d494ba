import { ApiHandler, ApiKey } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { ProtocolWriter } from './protocol-writer.codec';

/** DescribeGroups v2; an unknown group is reported as Dead with no members, as Kafka does. */
export const describeGroupsApi: ApiHandler = {
  apiKey: ApiKey.DescribeGroups,
  name: 'DescribeGroups',
  minVersion: 2,
  maxVersion: 2,
  handle({ body, broker }) {
    const groupIds = body.array((r) => r.string());
    return new ProtocolWriter()
      .int32(0)
      .array(groupIds, (w, groupId) => {
        const description = broker.groups.existing(groupId)?.describe() ?? {
          state: 'Dead',
          protocolType: '',
          protocolName: '',
          members: [],
        };
        w.int16(ErrorCode.NONE)
          .string(groupId)
          .string(description.state)
          .string(description.protocolType)
          .string(description.protocolName)
          .array(description.members, (mw, m) =>
            mw
              .string(m.memberId)
              .string(m.clientId)
              .string(m.clientHost)
              .bytes(m.metadata)
              .bytes(m.assignment),
          );
      })
      .toBuffer();
  },
};
