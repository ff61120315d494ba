import { ApiHandler, ApiKey } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { ProtocolWriter } from './protocol-writer.codec';

/** SyncGroup v3: followers wait here until the leader sends everyone's assignment. */
export const syncGroupApi: ApiHandler = {
  apiKey: ApiKey.SyncGroup,
  name: 'SyncGroup',
  minVersion: 3,
  maxVersion: 3,
  async handle({ body, broker }) {
    const groupId = body.string();
    const generationId = body.int32();
    const memberId = body.string();
    body.nullableString();
    const assignments = new Map(body.array((a) => [a.string(), Buffer.from(a.bytes())] as const));
    const group = broker.groups.existing(groupId);
    const result =
      group === undefined
        ? { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) }
        : await group.sync(memberId, generationId, assignments);
    return new ProtocolWriter()
      .int32(0)
      .int16(result.errorCode)
      .bytes(result.assignment)
      .toBuffer();
  },
};
