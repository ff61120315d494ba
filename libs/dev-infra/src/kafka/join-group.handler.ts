import { ApiHandler, ApiKey } from './api-handler.types';
import { JoinResult } from './consumer-group.types';
import { ErrorCode } from './error-codes.constants';
import { ProtocolWriter } from './protocol-writer.codec';

const MIN_SESSION_TIMEOUT_MS = 100;
const MAX_SESSION_TIMEOUT_MS = 30 * 60 * 1000;

function encode(result: JoinResult): Buffer {
  return new ProtocolWriter()
    .int32(0)
    .int16(result.errorCode)
    .int32(result.generationId)
    .string(result.protocolName)
    .string(result.leaderId)
    .string(result.memberId)
    .array(result.members, (w, m) =>
      w.string(m.memberId).nullableString(m.groupInstanceId).bytes(m.metadata),
    )
    .toBuffer();
}

/** JoinGroup v5: the answer is held until the rebalance completes (see ConsumerGroup). */
export const joinGroupApi: ApiHandler = {
  apiKey: ApiKey.JoinGroup,
  name: 'JoinGroup',
  minVersion: 5,
  maxVersion: 5,
  async handle({ header, body, broker, connection }) {
    const groupId = body.string();
    const sessionTimeoutMs = body.int32();
    const rebalanceTimeoutMs = body.int32();
    const memberId = body.string();
    const groupInstanceId = body.nullableString();
    const protocolType = body.string();
    // Copied: the metadata outlives the request frame it arrived in.
    const protocols = body.array((p) => ({ name: p.string(), metadata: Buffer.from(p.bytes()) }));
    const fail = (errorCode: number): Buffer =>
      encode({
        errorCode,
        generationId: -1,
        protocolName: '',
        leaderId: '',
        memberId,
        members: [],
      });
    if (groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
    if (sessionTimeoutMs < MIN_SESSION_TIMEOUT_MS || sessionTimeoutMs > MAX_SESSION_TIMEOUT_MS) {
      return fail(ErrorCode.INVALID_SESSION_TIMEOUT);
    }
    if (protocols.length === 0 || protocolType === '')
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const result = await broker.groups.group(groupId).join({
      memberId,
      groupInstanceId,
      clientId: header.clientId ?? '',
      clientHost: connection.clientHost,
      sessionTimeoutMs,
      rebalanceTimeoutMs,
      protocolType,
      protocols,
      requireKnownMemberId: header.apiVersion >= 4,
    });
    return encode(result);
  },
};
