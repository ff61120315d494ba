import {
  CATALOG_READ_LIMITS,
  isUuid,
  type BatchGetTitlesRequest,
  type BrowseRequest,
  type BrowseRow,
  type DeleteTitleRequest,
  type Genre,
  type GetTitleRequest,
  type ListTitlesRequest,
  type ListTitlesResponse,
  type PatchTitleRequest,
  type Title,
  type TitleInput,
  type UpdateTitleRequest,
} from '@kinema/contracts';
import { DomainError, type FieldViolation } from '@kinema/platform';
import { isUniqueViolation } from '@kinema/platform/database';
import { runForCallers } from '@kinema/platform/logging';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { CATALOG_CONFIG } from '../catalog.constants';
import type { CatalogConfig } from '../config';
import { parseListRequest, parseVisibility } from './list-titles.request';
import { searchTerms, titleSearch } from './search-query';
import { applyPatch } from './title-patch';
import { CursorCodec, type CursorPosition } from './title-cursor';
import { requireUuid, validateTitleInput, type ValidTitle } from './title-input.validator';
import { toTitle, type TitleRow } from './title.mapper';
import { TitlesReadRepository, type VisibilityFilter } from './titles-read.repository';
import { TitlesWriteRepository } from './titles-write.repository';
import { TitleEventsPublisher } from './title-events.publisher';

const {
  batchIds: MAX_BATCH_IDS,
  defaultRowLimit: DEFAULT_ROW_LIMIT,
  maxRowLimit: MAX_ROW_LIMIT,
} = CATALOG_READ_LIMITS;
const everything: VisibilityFilter = { includeDrafts: true };

/** The genres in their display order, and their ids by slug. */
interface GenreReference {
  genres: Genre[];
  ids: ReadonlyMap<string, number>;
  /** The words of the genres' names, lower-cased, as the search vector holds them. */
  genreWords: string[];
}

@Injectable()
export class TitlesService {
  private readonly cursors: CursorCodec;
  private genreCache?: Promise<GenreReference>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly reads: TitlesReadRepository,
    private readonly writes: TitlesWriteRepository,
    private readonly events: TitleEventsPublisher,
    @Inject(CATALOG_CONFIG) config: CatalogConfig,
  ) {
    this.cursors = new CursorCodec(config.CURSOR_SECRET);
  }

  async listTitles(request: ListTitlesRequest): Promise<ListTitlesResponse> {
    const parsed = parseListRequest(request, await this.genreIds(), this.cursors);
    const { query, digest, terms, exactName } = parsed;
    if (terms.length > 0) {
      const { genreWords } = await this.genreReference();
      query.search = titleSearch(await this.reads.lookUpTerms(terms), exactName, genreWords);
    }
    const rows = await this.reads.list(query);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > query.limit && last
        ? this.cursors.encode(
            { sort: query.sort, key: last.sort_key, id: last.id } satisfies CursorPosition,
            digest,
          )
        : '';
    return { titles: page.map(toTitle), nextCursor };
  }

  async getTitle(request: GetTitleRequest): Promise<Title> {
    const id = requireUuid(request.id);
    const visibility = visibilityOrThrow(request.visibility);
    const row = await this.reads.get(id, visibility);
    if (!row) throw titleNotFound();
    return toTitle(row);
  }

  async batchGetTitles(request: BatchGetTitlesRequest): Promise<Title[]> {
    const violations: FieldViolation[] = [];
    if (request.ids.length > MAX_BATCH_IDS)
      violations.push({ field: 'ids', description: `must have at most ${MAX_BATCH_IDS} ids` });
    request.ids.forEach((id, index) => {
      if (!isUuid(id)) violations.push({ field: `ids[${index}]`, description: 'must be a UUID' });
    });
    const visibility = parseVisibility(request.visibility, violations);
    if (violations.length > 0) throw DomainError.invalid(violations);
    if (request.ids.length === 0) return [];
    const ids = request.ids.map((id) => id.toLowerCase());
    const rows = new Map(
      (await this.reads.batchGet([...new Set(ids)], visibility)).map((row) => [row.id, row]),
    );
    return ids.flatMap((id) => {
      const row = rows.get(id);
      return row ? [toTitle(row)] : [];
    });
  }

  async createTitle(input: TitleInput | undefined): Promise<Title> {
    const title = validateTitleInput(input, await this.genreIds());
    return this.write((manager) => this.insertTitle(manager, randomUUID(), title));
  }

  async updateTitle(request: UpdateTitleRequest): Promise<Title> {
    const id = requireUuid(request.id);
    const title = validateTitleInput(request.title, await this.genreIds());
    return this.write((manager) => this.replaceTitle(manager, id, request.expectedVersion, title));
  }

  async patchTitle(request: PatchTitleRequest): Promise<Title> {
    const id = requireUuid(request.id);
    const genreIds = await this.genreIds();
    return this.write((manager) => this.patchStoredTitle(manager, id, request, genreIds));
  }

  async deleteTitle(request: DeleteTitleRequest): Promise<void> {
    const id = requireUuid(request.id);
    await this.dataSource.transaction((manager) =>
      this.removeTitle(manager, id, request.expectedVersion),
    );
  }

  async listGenres(): Promise<Genre[]> {
    return (await this.genreReference()).genres;
  }

  async browse(request: BrowseRequest): Promise<BrowseRow[]> {
    const violations: FieldViolation[] = [];
    const limit = request.rowLimit === 0 ? DEFAULT_ROW_LIMIT : request.rowLimit;
    if (limit < 1 || limit > MAX_ROW_LIMIT) {
      violations.push({
        field: 'row_limit',
        description: `must be from 1 to ${MAX_ROW_LIMIT}, or 0 for ${DEFAULT_ROW_LIMIT}`,
      });
    }
    const visibility = parseVisibility(request.visibility, violations);
    if (violations.length > 0) throw DomainError.invalid(violations);
    // Rows show only published, playable titles whatever the caller may otherwise see.
    const { maxMaturity } = visibility;
    // One read-only snapshot: a title published between two of the row queries would otherwise
    // show in one row and not in another that it belongs to.
    const [trending, newest, popular, byGenre] = await this.dataSource.transaction(
      'REPEATABLE READ',
      async (manager) => {
        await manager.query('SET TRANSACTION READ ONLY');
        return [
          await this.reads.topTrending(manager, maxMaturity, limit),
          await this.reads.top(manager, 'newest', maxMaturity, limit),
          await this.reads.top(manager, 'popular', maxMaturity, limit),
          await this.reads.topByGenre(manager, maxMaturity, limit),
        ] as const;
      },
    );
    const rows: BrowseRow[] = [
      { id: 'trending', name: 'Trending now', titles: trending.map(toTitle) },
      { id: 'new-releases', name: 'New Releases', titles: newest.map(toTitle) },
      { id: 'popular', name: 'Popular on Kinema', titles: popular.map(toTitle) },
    ];
    for (const row of byGenre) {
      const id = `genre:${row.row_genre_slug}`;
      let browseRow = rows[rows.length - 1];
      if (browseRow?.id !== id) {
        browseRow = { id, name: row.row_genre_name, titles: [] };
        rows.push(browseRow);
      }
      browseRow.titles.push(toTitle(row));
    }
    return rows.filter((row) => row.titles.length > 0);
  }

  // One method per kind of write, each running inside the caller's transaction, which also
  // appends the domain events to the outbox: they are sent if and only if the change commits.

  private async insertTitle(
    manager: EntityManager,
    id: string,
    title: ValidTitle,
  ): Promise<TitleRow> {
    await this.writes.insert(manager, id, title);
    const after = await this.readBack(manager, id);
    await this.events.created(manager, after);
    return after;
  }

  private async replaceTitle(
    manager: EntityManager,
    id: string,
    expectedVersion: number,
    title: ValidTitle,
  ): Promise<TitleRow> {
    await this.lockAndCheck(manager, id, expectedVersion);
    const before = await this.readBack(manager, id);
    await this.writes.replace(manager, id, title);
    const after = await this.readBack(manager, id);
    await this.events.updated(manager, before, after);
    return after;
  }

  private async patchStoredTitle(
    manager: EntityManager,
    id: string,
    request: PatchTitleRequest,
    genreIds: ReadonlyMap<string, number>,
  ): Promise<TitleRow> {
    const paths = request.updateMask ?? [];
    await this.lockAndCheck(manager, id, request.expectedVersion);
    const before = await this.readBack(manager, id);
    const merged = applyPatch(toTitle(before), request.title, paths);
    await this.writes.replace(manager, id, validateTitleInput(merged, genreIds));
    const after = await this.readBack(manager, id);
    await this.events.updated(manager, before, after);
    return after;
  }

  private async removeTitle(
    manager: EntityManager,
    id: string,
    expectedVersion: number,
  ): Promise<void> {
    await this.lockAndCheck(manager, id, expectedVersion);
    const before = await this.readBack(manager, id);
    await this.writes.delete(manager, id);
    await this.events.deleted(manager, before);
  }

  private async lockAndCheck(
    manager: EntityManager,
    id: string,
    expectedVersion: number,
  ): Promise<void> {
    const version = await this.writes.lockVersion(manager, id);
    if (version === undefined) throw titleNotFound();
    if (expectedVersion !== 0 && expectedVersion !== version) {
      throw new DomainError(
        'failed_precondition',
        'TITLE_VERSION_MISMATCH',
        `The title is at version ${version}, not ${expectedVersion}; read it again and retry.`,
      );
    }
  }

  private async readBack(manager: EntityManager, id: string): Promise<TitleRow> {
    const row = await this.reads.get(id, everything, manager);
    if (!row) throw titleNotFound();
    return row;
  }

  private async write(work: (manager: EntityManager) => Promise<TitleRow>): Promise<Title> {
    try {
      return toTitle(await this.dataSource.transaction(work));
    } catch (error) {
      // The unique index decides, not a pre-check: two concurrent creates cannot both pass it.
      if (isUniqueViolation(error, 'titles_slug_key')) {
        throw new DomainError(
          'already_exists',
          'TITLE_SLUG_TAKEN',
          'Another title already uses this slug.',
          [{ field: 'title.slug', description: 'is already taken' }],
        );
      }
      throw error;
    }
  }

  private genreReference(): Promise<GenreReference> {
    // Genres are reference data changed only by migrations, which run before serving: read and
    // indexed once, not per request, for every call that waits meanwhile (none cancels it).
    this.genreCache ??= runForCallers(undefined, () => this.reads.genres()).then(
      (genres) => ({
        genres: genres.map(({ slug, name }) => ({ slug, name })),
        ids: new Map(genres.map((genre) => [genre.slug, genre.id])),
        genreWords: genres.flatMap(({ name }) => searchTerms(name)),
      }),
      (error: unknown) => {
        this.genreCache = undefined;
        throw error;
      },
    );
    return this.genreCache;
  }

  private async genreIds(): Promise<ReadonlyMap<string, number>> {
    return (await this.genreReference()).ids;
  }
}

function visibilityOrThrow(visibility: GetTitleRequest['visibility']): VisibilityFilter {
  const violations: FieldViolation[] = [];
  const parsed = parseVisibility(visibility, violations);
  if (violations.length > 0) throw DomainError.invalid(violations);
  return parsed;
}

function titleNotFound(): DomainError {
  return DomainError.notFound('TITLE_NOT_FOUND', 'No such title.');
}
