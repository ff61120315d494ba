import type {
  AddToMyListRequest,
  ListMyListRequest,
  ListMyListResponse,
  MyListItem,
  RemoveFromMyListRequest,
} from '@kinema/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Violations } from '../common/input-rules';
import { isForeignKeyViolation } from '../common/pg-errors';
import { profileNotFound, ProfilesRepository } from '../profiles/profiles.repository';
import { decodeMyListCursor, encodeMyListCursor } from './my-list-cursor';

export const DEFAULT_MY_LIST_PAGE = 20;
export const MAX_MY_LIST_PAGE = 100;

interface MyListRow {
  title_id: string;
  added_at: Date;
  position: string;
}

@Injectable()
export class MyListService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly profiles: ProfilesRepository,
  ) {}

  /** Idempotent: adding a title already on the list keeps its place and add time. */
  async add(request: AddToMyListRequest): Promise<MyListItem> {
    const { accountId, profileId, titleId } = this.parseItem(request);
    await this.profiles.requireOwned(accountId, profileId);
    try {
      await this.dataSource.query(
        'INSERT INTO my_list_items (profile_id, title_id, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [profileId, titleId, new Date()],
      );
    } catch (error) {
      // The profile was deleted between the ownership check and the insert.
      if (isForeignKeyViolation(error)) throw profileNotFound();
      throw error;
    }
    const [row] = await this.dataSource.query<MyListRow[]>(
      'SELECT title_id, added_at, position FROM my_list_items WHERE profile_id = $1 AND title_id = $2',
      [profileId, titleId],
    );
    if (!row) throw profileNotFound();
    return toItem(row);
  }

  /** Idempotent: removing a title that is not on the list succeeds. */
  async remove(request: RemoveFromMyListRequest): Promise<void> {
    const { accountId, profileId, titleId } = this.parseItem(request);
    await this.profiles.requireOwned(accountId, profileId);
    await this.dataSource.query(
      'DELETE FROM my_list_items WHERE profile_id = $1 AND title_id = $2',
      [profileId, titleId],
    );
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
    const rows = await this.dataSource.query<MyListRow[]>(
      `SELECT title_id, added_at, position FROM my_list_items
        WHERE profile_id = $1 AND ($2::bigint IS NULL OR position < $2::bigint)
        ORDER BY position DESC LIMIT $3`,
      [profileId, after ?? null, limit + 1],
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
