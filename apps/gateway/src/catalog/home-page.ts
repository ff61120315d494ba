import { Injectable } from '@nestjs/common';
import type { BrowseRequest, Profile } from '@kinema/contracts';
import { browseScope } from '../cache/cache-scope';
import { CatalogCache, type ScopedRepresentation } from '../cache/catalog-cache';
import { ProfileRows, type RowPiece } from '../cache/profile-rows';
import { weakEtagOfBytes } from '../http/cache-headers';
import { jsonRepresentation, ownBytes, ownUtf8, type Representation } from '../http/representation';
import type { Principal } from '../viewer/principal';
import type { Viewer } from '../viewer/viewer';
import { CatalogClient } from './catalog.client';
import { ProfileTitles } from './profile-titles.service';
import {
  browseRowView,
  type BrowseProgressView,
  type BrowseRowView,
  type BrowseView,
} from './title.view';

export const CONTINUE_WATCHING_ROW_ID = 'continue-watching';
export const MY_LIST_ROW_ID = 'my-list';

/** Continue watching shows this many titles at most, whatever the rows' limit. */
const MAX_STARTED = 50;

/** The catalog's browse rows as sent, with where the first row ends (the My List row goes there). */
export interface BrowseRowsRepresentation extends Representation {
  firstRowEnd: number;
}

/** What one home page is made of: the catalog's rows for a visibility, and a profile's rows' length. */
export interface HomeRequest {
  browse: BrowseRequest;
  /** The rows' cache key: the anonymous home page's for the same visibility. */
  rowsKey: string;
  rowLimit: number;
}

export function homeRequest(browse: BrowseRequest, rowLimit: number): HomeRequest {
  return { browse, rowsKey: `browse:${JSON.stringify(browse)}`, rowLimit };
}

const OPEN = Buffer.from('{"rows":[');
const CLOSE_ROWS = Buffer.from('],"progress":');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from('}');
const EMPTY_LIST = Buffer.from('[]');

/** The bytes a personal row starts with, up to its items: `{"id":...,"name":...,"items":`. */
function rowHead(id: string, name: string): Buffer {
  return Buffer.from(`${JSON.stringify({ id, name }).slice(0, -1)},"items":`);
}
const STARTED_HEAD = rowHead(CONTINUE_WATCHING_ROW_ID, 'Continue watching');
const LISTED_HEAD = rowHead(MY_LIST_ROW_ID, 'My List');

export function browseRowsRepresentation(rows: BrowseRowView[]): BrowseRowsRepresentation {
  const view: BrowseView = { rows };
  const first = rows[0];
  return {
    ...jsonRepresentation(view),
    firstRowEnd: OPEN.length + (first ? Buffer.byteLength(JSON.stringify(first)) : 0),
  };
}

function isBrowseRows(representation: Representation): representation is BrowseRowsRepresentation {
  return 'firstRowEnd' in representation;
}

/**
 * A profile's home page from cached JSON, spliced as bytes: "Continue watching" first when the
 * profile has started titles, the catalog's first row, "My List" when it is not empty, the
 * other catalog rows, then where the profile stopped in each started title. The same bytes as
 * serialising the page whole (so the same ETag).
 */
export function composeHomePage(
  rows: BrowseRowsRepresentation,
  started: RowPiece,
  listed: RowPiece,
): Representation {
  const { body, firstRowEnd } = rows;
  const end = body.length - 2; // before `]}`
  const first = body.subarray(OPEN.length, firstRowEnd);
  const others = body.subarray(Math.min(firstRowEnd + 1, end), end);
  const shown: Buffer[][] = [
    ...(started.count > 0 ? [[STARTED_HEAD, started.items, CLOSE]] : []),
    ...(first.length > 0 ? [[first]] : []),
    ...(listed.count > 0 ? [[LISTED_HEAD, listed.items, CLOSE]] : []),
    ...(others.length > 0 ? [[others]] : []),
  ];
  const parts = [
    OPEN,
    ...shown.flatMap((row, index) => (index > 0 ? [COMMA, ...row] : row)),
    CLOSE_ROWS,
    started.progress ?? EMPTY_LIST,
    CLOSE,
  ];
  const page = ownBytes(Buffer.concat(parts));
  return { body: page, etag: weakEtagOfBytes(page), personal: true };
}

/**
 * The signed-in home page of a profile, composed from cached representations: the catalog's rows
 * are the anonymous home page's for the same visibility (one cache, one invalidation), the
 * profile's own rows are pieces cached per profile (ProfileRows), and the page composed of them
 * is kept until one of its parts changes.
 */
@Injectable()
export class HomePage {
  constructor(
    private readonly catalog: CatalogClient,
    private readonly cache: CatalogCache,
    private readonly rows: ProfileRows,
    private readonly titles: ProfileTitles,
  ) {}

  /** The catalog's rows for a visibility, as the anonymous home page sends them. */
  async loadRows(browse: BrowseRequest): Promise<ScopedRepresentation> {
    const { rows } = await this.catalog.browse(browse);
    return {
      representation: browseRowsRepresentation(rows.map(browseRowView)),
      scope: browseScope(browse.visibility, rows),
    };
  }

  /** The page when every part of it is cached, without loading anything: what the hot path sends. */
  peek(viewer: Viewer, home: HomeRequest): Representation | undefined {
    const { profile } = viewer;
    if (!profile) return undefined;
    const rows = this.cache.peek(home.rowsKey);
    if (!rows || !isBrowseRows(rows)) return undefined;
    const started = this.rows.peek(profile.id, 'continue-watching', startedVariant(profile, home));
    const listed = started && this.rows.peek(profile.id, 'my-list', listedVariant(profile, home));
    if (!started || !listed) return undefined;
    return this.page(profile, home, rows, started, listed);
  }

  /** The page, loading what is not cached (and caching it). */
  async load(principal: Principal, profile: Profile, home: HomeRequest): Promise<Representation> {
    const [rows, started, listed] = await Promise.all([
      this.cache.representation(home.rowsKey, () => this.loadRows(home.browse)),
      this.rows.piece(profile.id, 'continue-watching', startedVariant(profile, home), () =>
        this.startedPiece(principal, profile, Math.min(home.rowLimit, MAX_STARTED)),
      ),
      this.rows.piece(profile.id, 'my-list', listedVariant(profile, home), () =>
        this.listedPiece(principal, profile, home.rowLimit),
      ),
    ]);
    if (!isBrowseRows(rows)) throw new Error(`${home.rowsKey} is cached without its rows' layout`);
    return this.page(profile, home, rows, started, listed);
  }

  private page(
    profile: Profile,
    home: HomeRequest,
    rows: BrowseRowsRepresentation,
    started: RowPiece,
    listed: RowPiece,
  ): Representation {
    return this.rows.page(
      profile.id,
      `${home.rowsKey} ${home.rowLimit}`,
      rows,
      [started, listed],
      () => composeHomePage(rows, started, listed),
    );
  }

  private async startedPiece(
    principal: Principal,
    profile: Profile,
    limit: number,
  ): Promise<RowPiece> {
    const { items, titleIds } = await this.titles.continueWatchingRow(principal, profile, limit);
    const progress = items.map((item): BrowseProgressView => ({
      titleId: item.title.id,
      episodeId: item.episodeId,
      positionSeconds: item.positionSeconds,
      durationSeconds: item.durationSeconds,
    }));
    return {
      items: ownUtf8(JSON.stringify(items.map((item) => item.title))),
      count: items.length,
      progress: ownUtf8(JSON.stringify(progress)),
      titleIds,
    };
  }

  private async listedPiece(
    principal: Principal,
    profile: Profile,
    limit: number,
  ): Promise<RowPiece> {
    const { page, titleIds } = await this.titles.myListRow(principal, profile, {
      limit,
      cursor: '',
    });
    return {
      items: ownUtf8(JSON.stringify(page.items.map((item) => item.title))),
      count: page.items.length,
      titleIds,
    };
  }
}

/** A profile's rows depend on its ceiling (titles above it are left out) and their length. */
function startedVariant(profile: Profile, home: HomeRequest): string {
  return `${profile.maxMaturity} ${Math.min(home.rowLimit, MAX_STARTED)}`;
}
function listedVariant(profile: Profile, home: HomeRequest): string {
  return `${profile.maxMaturity} ${home.rowLimit}`;
}
