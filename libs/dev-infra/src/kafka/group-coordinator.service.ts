import { ConsumerGroup } from './consumer-group.state';
import { ErrorCode } from './error-codes.constants';
import { GroupOffset, OffsetStore } from './offset.store';

export interface OffsetCommitEntry {
  topic: string;
  partition: number;
  offset: number;
  metadata: string | null;
}

/** Owns every consumer group on this (single) coordinator and the offsets they commit. */
export class GroupCoordinator {
  private readonly groups = new Map<string, ConsumerGroup>();

  constructor(private readonly offsets: OffsetStore) {}

  /** The group, created Empty on first use as Kafka does for JoinGroup and simple commits. */
  group(groupId: string): ConsumerGroup {
    let group = this.groups.get(groupId);
    if (group === undefined) this.groups.set(groupId, (group = new ConsumerGroup(groupId)));
    return group;
  }

  existing(groupId: string): ConsumerGroup | undefined {
    return this.groups.get(groupId);
  }

  /** Every group with members or committed offsets. */
  groupIds(): string[] {
    return [...new Set([...this.groups.keys(), ...this.offsets.groupIds()])];
  }

  commit(
    groupId: string,
    memberId: string,
    generationId: number,
    entries: OffsetCommitEntry[],
  ): number {
    const group = this.groups.get(groupId);
    // Offsets for an unknown group are only accepted from "simple" (generation -1) committers.
    const errorCode =
      group === undefined
        ? generationId < 0
          ? ErrorCode.NONE
          : ErrorCode.UNKNOWN_MEMBER_ID
        : group.validateCommit(memberId, generationId);
    if (errorCode !== ErrorCode.NONE) return errorCode;
    for (const entry of entries) {
      this.offsets.commit(groupId, entry.topic, entry.partition, entry.offset, entry.metadata);
    }
    return ErrorCode.NONE;
  }

  committed(
    groupId: string,
    topic: string,
    partition: number,
  ): { offset: number; metadata: string | null } {
    return this.offsets.get(groupId, topic, partition) ?? { offset: -1, metadata: '' };
  }

  allCommitted(groupId: string): GroupOffset[] {
    return this.offsets.forGroup(groupId);
  }

  /** DeleteGroups for one group: only an empty group goes, with every offset it committed. */
  delete(groupId: string): number {
    const group = this.groups.get(groupId);
    const hasOffsets = this.offsets.groupIds().includes(groupId);
    if (group === undefined && !hasOffsets) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (group !== undefined && group.state !== 'Empty') return ErrorCode.NON_EMPTY_GROUP;
    group?.shutdown();
    this.groups.delete(groupId);
    this.offsets.deleteGroup(groupId);
    return ErrorCode.NONE;
  }

  shutdown(): void {
    for (const group of this.groups.values()) group.shutdown();
    this.groups.clear();
  }
}
