import { ApiKey, defineApi } from './api-handler.types';
import { JoinResult } from './consumer-group.types';
import { ErrorCode } from './error-codes.constants';
import { bool, bytes, int16, int32, list, str, string, struct } from './protocol-schema.codec';

const MIN_SESSION_TIMEOUT_MS = 100;
const MAX_SESSION_TIMEOUT_MS = 30 * 60 * 1000;

const request = struct({
  groupId: [str],
  sessionTimeoutMs: [int32],
  rebalanceTimeoutMs: [int32, '1+', -1],
  memberId: [str],
  groupInstanceId: [string('5+'), '5+', null],
  protocolType: [str],
  protocols: [list(struct({ name: [str], metadata: [bytes()] }))],
  reason: [string('8+'), '8+', null],
});

const response = struct({
  throttleTimeMs: [int32, '2+'],
  errorCode: [int16],
  generationId: [int32],
  protocolType: [string('7+'), '7+'],
  protocolName: [string('7+')],
  leader: [str],
  skipAssignment: [bool, '9+'],
  memberId: [str],
  members: [
    list(struct({ memberId: [str], groupInstanceId: [string('5+'), '5+'], metadata: [bytes()] })),
  ],
});

/** JoinGroup v0-v9: the answer is held until the rebalance completes (see ConsumerGroup). */
export const joinGroupApi = defineApi({
  apiKey: ApiKey.JoinGroup,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 9,
  flexibleVersions: '6+',
  request,
  response,
  async handle(req, { header, broker, connection }) {
    const encode = (result: JoinResult, protocolType: string | null) => ({
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      generationId: result.generationId,
      protocolType,
      // v7 on, a failed join names no protocol (null); earlier versions have no null to send.
      protocolName:
        result.protocolName === '' && header.apiVersion >= 7 ? null : result.protocolName,
      leader: result.leaderId,
      skipAssignment: false,
      memberId: result.memberId,
      members: result.members.map((m) => ({ ...m, metadata: m.metadata })),
    });
    const fail = (errorCode: number) =>
      encode(
        {
          errorCode,
          generationId: -1,
          protocolName: '',
          leaderId: '',
          memberId: req.memberId,
          members: [],
        },
        null,
      );
    if (req.groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
    const { sessionTimeoutMs } = req;
    if (sessionTimeoutMs < MIN_SESSION_TIMEOUT_MS || sessionTimeoutMs > MAX_SESSION_TIMEOUT_MS) {
      return fail(ErrorCode.INVALID_SESSION_TIMEOUT);
    }
    if (req.protocols.length === 0 || req.protocolType === '')
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const group = broker.groups.group(req.groupId);
    const result = await group.join({
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: header.clientId ?? '',
      clientHost: connection.clientHost,
      sessionTimeoutMs,
      // v0 has no rebalance timeout; Kafka then uses the session timeout.
      rebalanceTimeoutMs: req.rebalanceTimeoutMs < 0 ? sessionTimeoutMs : req.rebalanceTimeoutMs,
      protocolType: req.protocolType,
      // Copied: the metadata outlives the request frame it arrived in.
      protocols: req.protocols.map((p) => ({
        name: p.name,
        metadata: Buffer.from(p.metadata ?? Buffer.alloc(0)),
      })),
      requireKnownMemberId: header.apiVersion >= 4,
    });
    return encode(result, result.errorCode === ErrorCode.NONE ? group.protocolType : null);
  },
});
