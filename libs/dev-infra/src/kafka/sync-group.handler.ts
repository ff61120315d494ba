import { ApiKey, defineApi } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { bytes, int16, int32, list, str, string, struct } from './protocol-schema.codec';

const request = struct({
  groupId: [str],
  generationId: [int32],
  memberId: [str],
  groupInstanceId: [string('3+'), '3+', null],
  protocolType: [string('5+'), '5+', null],
  protocolName: [string('5+'), '5+', null],
  assignments: [list(struct({ memberId: [str], assignment: [bytes()] }))],
});

const response = struct({
  throttleTimeMs: [int32, '1+'],
  errorCode: [int16],
  protocolType: [string('5+'), '5+'],
  protocolName: [string('5+'), '5+'],
  assignment: [bytes()],
});

/** SyncGroup v0-v5: followers wait here until the leader sends everyone's assignment. */
export const syncGroupApi = defineApi({
  apiKey: ApiKey.SyncGroup,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  flexibleVersions: '4+',
  request,
  response,
  async handle(req, { broker }) {
    const assignments = new Map(
      req.assignments.map(
        (a) => [a.memberId, Buffer.from(a.assignment ?? Buffer.alloc(0))] as const,
      ),
    );
    const group = broker.groups.existing(req.groupId);
    const result =
      group === undefined
        ? { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: Buffer.alloc(0) }
        : await group.sync(req.memberId, req.generationId, assignments);
    const ok = result.errorCode === ErrorCode.NONE && group !== undefined;
    return {
      throttleTimeMs: 0,
      errorCode: result.errorCode,
      protocolType: ok ? group.protocolType : null,
      protocolName: ok ? group.protocolName : null,
      assignment: result.assignment,
    };
  },
});
