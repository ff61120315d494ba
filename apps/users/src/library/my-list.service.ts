import {
  LIBRARY_LIMITS,
  USERS_PLAYBACK_EVENTS,
  type UsersPlaybackEvents,
  type AddToMyListRequest,
  type MyListChange,
  type ListMyListRequest,
  type ListMyListResponse,
  type MyListItem,
  type RemoveFromMyListRequest,
} from '@kinema/contracts';
import { OutboxPublisher } from '@kinema/platform';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { Violations } from '../common/input-rules';
import { isForeignKeyViolation } from '@kinema/platform/database';
import { profileNotFound, ProfilesRepository } from '../profiles/profiles.repository';
import { LibraryRepository, type MyListRow } from './library.repository';
import { decodeMyListCursor, encodeMyListCursor } from './my-list-cursor';

const { defaultMyListPage: DEFAULT_MY_LIST_PAGE, maxMyListPage: MAX_MY_LIST_PAGE } = LIBRARY_LIMITS;

@Injectable()
export class MyListService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly library: LibraryRepository,
    private readonly profiles: ProfilesRepository,
    private readonly outbox: OutboxPublisher,
  ) {}

  /**
   * Idempotent: adding a title already on the list keeps its place and add time. Publishes
   * MyListChanged when the title was not on the list.
   */
  async add(request: AddToMyListRequest): Promise<MyListItem> {
    const { accountId, profileId, titleId } = this.parseItem(request);
    try {
      return await this.dataSource.transaction(async (manager) => {
        await this.profiles.requireOwned(accountId, profileId, manager);
        const { row, added } = await this.library.addToList(
          manager,
          profileId,
          titleId,
          new Date(),
        );
        if (!row) throw profileNotFound();
        if (added) await this.published(manager, { accountId, profileId, titleId }, 'added');
        return toItem(row);
      });
    } catch (error) {
      // The profile was deleted between the ownership check and the insert.
      if (isForeignKeyViolation(error)) throw profileNotFound();
      throw error;
    }
  }

  /** Idempotent: removing a title that is not on the list succeeds (and publishes nothing). */
  async remove(request: RemoveFromMyListRequest): Promise<void> {
    const item = this.parseItem(request);
    await this.dataSource.transaction(async (manager) => {
      await this.profiles.requireOwned(item.accountId, item.profileId, manager);
      if (await this.library.removeFromList(manager, item.profileId, item.titleId))
        await this.published(manager, item, 'removed');
    });
  }

  /** Writes MyListChanged to the outbox, in the transaction that changed the list. */
  private async published(
    manager: EntityManager,
    item: { accountId: string; profileId: string; titleId: string },
    change: MyListChange,
  ): Promise<void> {
    const data: UsersPlaybackEvents[typeof USERS_PLAYBACK_EVENTS.myListChanged] = {
      ...item,
      change,
      occurredAt: new Date().toISOString(),
    };
    await this.outbox.publish(manager, {
      topic: USERS_PLAYBACK_EVENTS.topic,
      type: USERS_PLAYBACK_EVENTS.myListChanged,
      // The topic's key: one profile's changes stay in order.
      subject: item.profileId,
      data,
    });
  }

  /** Newest first, by keyset on the list position (never OFFSET). */
  async list(request: ListMyListRequest): Promise<ListMyListResponse> {
    const violations = new Violations();
    const accountId = violations.uuid('account_id', request.accountId);
    const profileId = violations.uuid('profile_id', request.profileId);
    const limit = violations.limit('limit', request.limit, DEFAULT_MY_LIST_PAGE, MAX_MY_LIST_PAGE);
    const after = request.cursor === '' ? null : decodeMyListCursor(request.cursor);
    if (after === undefined) violations.add('cursor', 'is not a cursor from a previous response');
    violations.throwIfAny();
    await this.profiles.requireOwned(accountId, profileId);
    const rows = await this.library.listPage(
      this.dataSource.manager,
      profileId,
      after ?? null,
      limit,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toItem),
      nextCursor: rows.length > limit && last ? encodeMyListCursor(String(last.position)) : '',
    };
  }

  private parseItem(request: AddToMyListRequest | RemoveFromMyListRequest) {
    const violations = new Violations();
    const accountId = violations.uuid('account_id', request.accountId);
    const profileId = violations.uuid('profile_id', request.profileId);
    const titleId = violations.uuid('title_id', request.titleId);
    violations.throwIfAny();
    return { accountId, profileId, titleId };
  }
}

function toItem(row: MyListRow): MyListItem {
  return { titleId: row.title_id, addTime: row.added_at };
}
