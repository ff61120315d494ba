import { ConsumerGroup } from './consumer-group.state';
import { JoinRequest, JoinResult } from './consumer-group.types';
import { ErrorCode } from './error-codes.constants';

function joinRequest(memberId: string, overrides: Partial<JoinRequest> = {}): JoinRequest {
  return {
    memberId,
    groupInstanceId: null,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: 1000,
    rebalanceTimeoutMs: 5000,
    protocolType: 'consumer',
    protocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from(memberId) }],
    requireKnownMemberId: true,
    ...overrides,
  };
}

/** Joins the way a v4+ client does: the first attempt is answered MEMBER_ID_REQUIRED with an id. */
async function joinNewMember(
  group: ConsumerGroup,
): Promise<{ memberId: string; joined: Promise<JoinResult> }> {
  const first = await group.join(joinRequest(''));
  expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
  return {
    memberId: first.memberId,
    joined: Promise.resolve(group.join(joinRequest(first.memberId))),
  };
}

describe('ConsumerGroup', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('asks a v4+ client without a member id to rejoin with the id it is given', async () => {
    const group = new ConsumerGroup('g');
    const first = await group.join(joinRequest(''));
    expect(first).toMatchObject({
      errorCode: ErrorCode.MEMBER_ID_REQUIRED,
      memberId: expect.stringMatching(/^client-/),
    });
    const second = await group.join(joinRequest(first.memberId));
    expect(second).toMatchObject({
      errorCode: ErrorCode.NONE,
      generationId: 1,
      leaderId: first.memberId,
    });
    expect(second.protocolName).toBe('RoundRobinAssigner');
    group.shutdown();
  });

  it('rejects an unknown member id', async () => {
    const group = new ConsumerGroup('g');
    expect((await group.join(joinRequest('made-up'))).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    group.shutdown();
  });

  it('holds a rebalance until every member rejoined, and gives only the leader the member list', async () => {
    const group = new ConsumerGroup('g');
    const a = await joinNewMember(group);
    const genOne = await a.joined;
    await group.sync(a.memberId, genOne.generationId, new Map([[a.memberId, Buffer.from('all')]]));
    expect(group.state).toBe('Stable');

    const b = await joinNewMember(group);
    expect(group.state).toBe('PreparingRebalance');
    expect(group.heartbeat(a.memberId, genOne.generationId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    let bSettled = false;
    void b.joined.then(() => (bSettled = true));
    await Promise.resolve();
    expect(bSettled).toBe(false);

    const aAgain = await group.join(joinRequest(a.memberId));
    const bJoined = await b.joined;
    expect(aAgain).toMatchObject({ generationId: 2, leaderId: a.memberId });
    expect(aAgain.members.map((m) => m.memberId).sort()).toEqual([a.memberId, b.memberId].sort());
    expect(bJoined.members).toEqual([]);
    group.shutdown();
  });

  it('holds followers in SyncGroup until the leader hands out assignments', async () => {
    const group = new ConsumerGroup('g');
    const a = await joinNewMember(group);
    await a.joined;
    const b = await joinNewMember(group);
    await group.join(joinRequest(a.memberId));
    const { generationId } = await b.joined;
    const follower = Promise.resolve(group.sync(b.memberId, generationId, new Map()));
    const assignments = new Map([
      [a.memberId, Buffer.from('p0')],
      [b.memberId, Buffer.from('p1')],
    ]);
    const leader = await group.sync(a.memberId, generationId, assignments);
    expect(leader.assignment.toString()).toBe('p0');
    expect((await follower).assignment.toString()).toBe('p1');
    expect(group.state).toBe('Stable');
    group.shutdown();
  });

  it('evicts a member that stops heartbeating once its session times out, and rebalances', async () => {
    const group = new ConsumerGroup('g');
    const a = await joinNewMember(group);
    await a.joined;
    const b = await joinNewMember(group);
    await group.join(joinRequest(a.memberId));
    const { generationId } = await b.joined;
    await Promise.all([
      group.sync(b.memberId, generationId, new Map()),
      group.sync(a.memberId, generationId, new Map()),
    ]);

    jest.advanceTimersByTime(600);
    expect(group.heartbeat(a.memberId, generationId)).toBe(ErrorCode.NONE);
    jest.advanceTimersByTime(600);
    expect(group.members.has(b.memberId)).toBe(false);
    expect(group.heartbeat(a.memberId, generationId)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const rejoined = await group.join(joinRequest(a.memberId));
    expect(rejoined).toMatchObject({
      generationId: generationId + 1,
      members: [expect.objectContaining({ memberId: a.memberId })],
    });
    group.shutdown();
  });

  it('fences offset commits from an old generation or an unknown member', async () => {
    const group = new ConsumerGroup('g');
    const a = await joinNewMember(group);
    const { generationId } = await a.joined;
    await group.sync(a.memberId, generationId, new Map());
    expect(group.validateCommit(a.memberId, generationId)).toBe(ErrorCode.NONE);
    expect(group.validateCommit(a.memberId, generationId - 1)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(group.validateCommit('stranger', generationId)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    group.shutdown();
  });

  it('becomes Empty when the last member leaves, and then accepts simple (generation -1) commits', async () => {
    const group = new ConsumerGroup('g');
    const a = await joinNewMember(group);
    const { generationId } = await a.joined;
    await group.sync(a.memberId, generationId, new Map());
    expect(group.leave(a.memberId)).toBe(ErrorCode.NONE);
    expect(group.state).toBe('Empty');
    expect(group.validateCommit('', -1)).toBe(ErrorCode.NONE);
    group.shutdown();
  });

  it('refuses a member whose protocols share nothing with the group', async () => {
    const group = new ConsumerGroup('g');
    await (
      await joinNewMember(group)
    ).joined;
    const other = joinRequest('', {
      protocols: [{ name: 'CustomAssigner', metadata: Buffer.alloc(0) }],
    });
    expect((await group.join(other)).errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    group.shutdown();
  });
});
