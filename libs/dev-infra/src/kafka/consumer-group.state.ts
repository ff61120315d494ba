import { randomUUID } from 'node:crypto';
import { ErrorCode } from './error-codes.constants';
import {
  GroupDescription,
  GroupMember,
  GroupProtocol,
  GroupState,
  JoinRequest,
  JoinResult,
  SyncResult,
} from './consumer-group.types';

const EMPTY = Buffer.alloc(0);

function joinError(errorCode: number, memberId = ''): JoinResult {
  return { errorCode, generationId: -1, protocolName: '', leaderId: '', memberId, members: [] };
}

function sameProtocols(a: GroupProtocol[], b: GroupProtocol[]): boolean {
  return (
    a.length === b.length &&
    a.every((p, i) => p.name === b[i].name && p.metadata.equals(b[i].metadata))
  );
}

/**
 * One consumer group's membership state machine, after Kafka's GroupCoordinator (and kfake's
 * groups.go): Empty -> PreparingRebalance (JoinGroup answers held until every known member has
 * rejoined or the rebalance timeout drops the laggards) -> CompletingRebalance (SyncGroup answers
 * held until the leader sends assignments) -> Stable. Session timers evict silent members.
 */
export class ConsumerGroup {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType = '';
  protocolName = '';
  leaderId = '';
  readonly members = new Map<string, GroupMember>();
  /** Ids handed out with MEMBER_ID_REQUIRED that have not joined yet, with their expiry timers. */
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private rebalanceTimer: NodeJS.Timeout | null = null;

  constructor(readonly groupId: string) {}

  join(request: JoinRequest): Promise<JoinResult> | JoinResult {
    if (this.members.size > 0 && request.protocolType !== this.protocolType) {
      return joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, request.memberId);
    }
    if (this.members.size > 0 && this.commonProtocols(request.protocols).length === 0) {
      return joinError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, request.memberId);
    }
    let memberId = request.memberId;
    if (memberId === '') {
      memberId = `${request.clientId}-${randomUUID()}`;
      if (request.requireKnownMemberId) {
        this.addPending(memberId, request.sessionTimeoutMs);
        return joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId);
      }
    } else if (!this.members.has(memberId) && !this.pending.has(memberId)) {
      return joinError(ErrorCode.UNKNOWN_MEMBER_ID, memberId);
    }
    this.clearPending(memberId);

    const existing = this.members.get(memberId);
    if (existing !== undefined && sameProtocols(existing.protocols, request.protocols)) {
      // A member re-sending an unchanged join outside a rebalance just learns the current generation.
      if (
        this.state === 'CompletingRebalance' ||
        (this.state === 'Stable' && memberId !== this.leaderId)
      ) {
        this.touch(existing);
        return this.joinResultFor(memberId);
      }
    }

    const member: GroupMember = existing ?? {
      memberId,
      groupInstanceId: request.groupInstanceId,
      clientId: request.clientId,
      clientHost: request.clientHost,
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: request.rebalanceTimeoutMs,
      protocols: request.protocols,
      assignment: EMPTY,
      awaitingJoin: null,
      awaitingSync: null,
      sessionTimer: null,
    };
    member.protocols = request.protocols;
    member.sessionTimeoutMs = request.sessionTimeoutMs;
    member.rebalanceTimeoutMs = request.rebalanceTimeoutMs;
    if (this.members.size === 0) this.protocolType = request.protocolType;
    this.members.set(memberId, member);

    return new Promise<JoinResult>((resolve) => {
      member.awaitingJoin?.(joinError(ErrorCode.REBALANCE_IN_PROGRESS, memberId));
      member.awaitingJoin = resolve;
      this.prepareRebalance();
      this.maybeCompleteJoin();
    });
  }

  sync(
    memberId: string,
    generationId: number,
    assignments: Map<string, Buffer>,
  ): Promise<SyncResult> | SyncResult {
    const member = this.members.get(memberId);
    if (member === undefined) return { errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY };
    if (generationId !== this.generationId)
      return { errorCode: ErrorCode.ILLEGAL_GENERATION, assignment: EMPTY };
    this.touch(member);
    if (this.state === 'PreparingRebalance')
      return { errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY };
    if (this.state === 'Stable')
      return { errorCode: ErrorCode.NONE, assignment: member.assignment };
    return new Promise<SyncResult>((resolve) => {
      member.awaitingSync = resolve;
      if (memberId !== this.leaderId) return;
      for (const each of this.members.values())
        each.assignment = assignments.get(each.memberId) ?? EMPTY;
      this.state = 'Stable';
      for (const each of this.members.values()) {
        const waiting = each.awaitingSync;
        each.awaitingSync = null;
        waiting?.({ errorCode: ErrorCode.NONE, assignment: each.assignment });
        this.touch(each);
      }
    });
  }

  heartbeat(memberId: string, generationId: number): number {
    const member = this.members.get(memberId);
    if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    this.touch(member);
    return this.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  /** Checks an OffsetCommit against membership, as Kafka does; returns the error code for all its partitions. */
  validateCommit(memberId: string, generationId: number): number {
    if (generationId < 0 && this.state === 'Empty') return ErrorCode.NONE;
    const member = this.members.get(memberId);
    if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    // While preparing, the old generation still owns its partitions, so its commits are safe.
    if (this.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    this.touch(member);
    return ErrorCode.NONE;
  }

  leave(memberId: string): number {
    if (this.pending.has(memberId)) {
      this.clearPending(memberId);
      this.maybeCompleteJoin();
      return ErrorCode.NONE;
    }
    const member = this.members.get(memberId);
    if (member === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.removeMember(member);
    return ErrorCode.NONE;
  }

  describe(): GroupDescription {
    return {
      state: this.state,
      protocolType: this.protocolType,
      protocolName: this.state === 'Stable' ? this.protocolName : '',
      members: [...this.members.values()].map((member) => ({
        memberId: member.memberId,
        clientId: member.clientId,
        clientHost: member.clientHost,
        metadata: member.protocols.find((p) => p.name === this.protocolName)?.metadata ?? EMPTY,
        assignment: member.assignment,
      })),
    };
  }

  /** Cancels every timer and releases held answers, so a stopping broker leaves nothing pending. */
  shutdown(): void {
    if (this.rebalanceTimer !== null) clearTimeout(this.rebalanceTimer);
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    for (const member of this.members.values()) {
      if (member.sessionTimer !== null) clearTimeout(member.sessionTimer);
      member.awaitingJoin?.(joinError(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
      member.awaitingSync?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
    }
    this.members.clear();
    this.state = 'Dead';
  }

  private joinResultFor(memberId: string): JoinResult {
    const isLeader = memberId === this.leaderId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: this.generationId,
      protocolName: this.protocolName,
      leaderId: this.leaderId,
      memberId,
      members: isLeader
        ? [...this.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: m.protocols.find((p) => p.name === this.protocolName)?.metadata ?? EMPTY,
          }))
        : [],
    };
  }

  private prepareRebalance(): void {
    if (this.state === 'PreparingRebalance') return;
    if (this.state === 'CompletingRebalance') {
      for (const member of this.members.values()) {
        const waiting = member.awaitingSync;
        member.awaitingSync = null;
        waiting?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      }
    }
    this.state = 'PreparingRebalance';
    const timeout = Math.max(0, ...[...this.members.values()].map((m) => m.rebalanceTimeoutMs));
    this.rebalanceTimer = setTimeout(() => this.completeJoin(), timeout);
    this.rebalanceTimer.unref();
  }

  private maybeCompleteJoin(): void {
    if (this.state !== 'PreparingRebalance' || this.pending.size > 0) return;
    for (const member of this.members.values()) if (member.awaitingJoin === null) return;
    this.completeJoin();
  }

  private completeJoin(): void {
    if (this.rebalanceTimer !== null) clearTimeout(this.rebalanceTimer);
    this.rebalanceTimer = null;
    // Members that did not rejoin within the rebalance timeout are dropped from the generation.
    for (const member of [...this.members.values()]) {
      if (member.awaitingJoin === null) this.forget(member);
    }
    this.generationId += 1;
    if (this.members.size === 0) {
      this.state = 'Empty';
      this.protocolName = '';
      this.leaderId = '';
      return;
    }
    this.protocolName = this.chooseProtocol();
    if (!this.members.has(this.leaderId)) this.leaderId = this.members.keys().next().value ?? '';
    this.state = 'CompletingRebalance';
    for (const member of this.members.values()) {
      const waiting = member.awaitingJoin;
      member.awaitingJoin = null;
      member.assignment = EMPTY;
      waiting?.(this.joinResultFor(member.memberId));
      this.touch(member);
    }
  }

  private chooseProtocol(): string {
    const candidates = this.commonProtocols([]);
    const votes = new Map<string, number>();
    for (const member of this.members.values()) {
      const choice = member.protocols.find((p) => candidates.includes(p.name));
      if (choice !== undefined) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
    }
    let best = candidates[0] ?? '';
    for (const [name, count] of votes) if (count > (votes.get(best) ?? 0)) best = name;
    return best;
  }

  /** Protocol names every current member (plus `extra`, when given) supports. */
  private commonProtocols(extra: GroupProtocol[]): string[] {
    const lists = [...this.members.values()].map((m) => m.protocols.map((p) => p.name));
    if (extra.length > 0) lists.push(extra.map((p) => p.name));
    if (lists.length === 0) return [];
    return lists[0].filter((name) => lists.every((list) => list.includes(name)));
  }

  private touch(member: GroupMember): void {
    if (member.sessionTimer !== null) clearTimeout(member.sessionTimer);
    member.sessionTimer = setTimeout(() => this.onSessionExpired(member), member.sessionTimeoutMs);
    member.sessionTimer.unref();
  }

  private onSessionExpired(member: GroupMember): void {
    if (this.members.get(member.memberId) !== member) return;
    // A member whose join or sync answer is held cannot heartbeat, so it is kept alive meanwhile.
    if (member.awaitingJoin !== null || member.awaitingSync !== null) {
      this.touch(member);
      return;
    }
    this.removeMember(member);
  }

  private removeMember(member: GroupMember): void {
    this.forget(member);
    member.awaitingJoin?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    member.awaitingJoin = null;
    member.awaitingSync?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    member.awaitingSync = null;
    if (this.state === 'Stable' || this.state === 'CompletingRebalance') this.prepareRebalance();
    this.maybeCompleteJoin();
  }

  private forget(member: GroupMember): void {
    if (member.sessionTimer !== null) clearTimeout(member.sessionTimer);
    member.sessionTimer = null;
    this.members.delete(member.memberId);
  }

  private addPending(memberId: string, sessionTimeoutMs: number): void {
    const timer = setTimeout(() => {
      this.pending.delete(memberId);
      this.maybeCompleteJoin();
    }, sessionTimeoutMs);
    timer.unref();
    this.pending.set(memberId, timer);
  }

  private clearPending(memberId: string): void {
    const timer = this.pending.get(memberId);
    if (timer !== undefined) clearTimeout(timer);
    this.pending.delete(memberId);
  }
}
