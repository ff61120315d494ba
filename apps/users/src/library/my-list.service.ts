import {
  LIBRARY_LIMITS,
  type AddToMyListRequest,
  type ListMyListRequest,
  type ListMyListResponse,
  type MyListItem,
  type RemoveFromMyListRequest,
} from '@kinema/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
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
  ) {}

  /** Idempotent: adding a title already on the list keeps its place and add time. */
  async add(request: AddToMyListRequest): Promise<MyListItem> {
    const { accountId, profileId, titleId } = this.parseItem(request);
    await this.profiles.requireOwned(accountId, profileId);
    let row: MyListRow | undefined;
    try {
      row = await this.library.addToList(this.dataSource.manager, profileId, titleId, new Date());
    } catch (error) {
      // The profile was deleted between the ownership check and the insert.
      if (isForeignKeyViolation(error)) throw profileNotFound();
      throw error;
    }
    if (!row) throw profileNotFound();
    return toItem(row);
  }

  /** Idempotent: removing a title that is not on the list succeeds. */
  async remove(request: RemoveFromMyListRequest): Promise<void> {
    const { accountId, profileId, titleId } = this.parseItem(request);
    await this.profiles.requireOwned(accountId, profileId);
    await this.library.removeFromList(this.dataSource.manager, profileId, titleId);
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
