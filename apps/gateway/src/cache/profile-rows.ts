import { LRUCache } from 'lru-cache';
import { heldBytes, type Representation } from '../http/representation';
import { affects } from './cache-scope';
import type { TitleChange } from './title-change';
import { ChangeLog } from './change-log';

/** The rows of a profile's own: what it started, and its My List. */
export type ProfileRow = 'continue-watching' | 'my-list';

/**
 * A profile's row as JSON, ready to splice into a page: its items, for continue watching where
 * the profile stopped in each, and every title the users service named for it (those the
 * profile may not see included), whose change can alter the row.
 */
export interface RowPiece {
  items: Buffer;
  count: number;
  progress?: Buffer;
  titleIds: readonly string[];
}

/** A page composed of shared rows and a profile's pieces: good while its parts are the current ones. */
interface Page {
  rows: Representation;
  pieces: readonly RowPiece[];
  representation: Representation;
}

/** What is cached of one profile; a write or event of the profile moves its generation on. */
class ProfileEntry {
  generation = 0;
  readonly pieces = new Map<string, RowPiece>();
  readonly pages = new Map<string, Page>();

  /** Bytes held: what the LRU's size cap counts. */
  get bytes(): number {
    let total = 0;
    for (const piece of this.pieces.values())
      total += piece.items.length + (piece.progress?.length ?? 0) + piece.titleIds.length * 36;
    for (const page of this.pages.values()) total += heldBytes(page.representation);
    return Math.max(1, total);
  }
}

export interface ProfileRowsOptions {
  /** 0 turns the cache off (every read loads). */
  ttlMs: number;
  /** The cap on the bytes held for every profile together; the least recently used go first. */
  maxBytes: number;
}

/**
 * Each profile's own rows, cached in this process as JSON pieces, and the pages composed of them.
 * A piece is dropped by the profile's own writes (at once on the replica that took the write,
 * by the users service's event on every other), by a catalog change to any title it names, and
 * by its TTL at the latest. A load that a drop overtook is not kept, so a read that started
 * before a write can never put the old rows back.
 */
export class ProfileRows {
  /** A fresh holder per change of an entry: lru-cache counts a value's size when it is set anew. */
  private readonly profiles: LRUCache<string, { entry: ProfileEntry }>;
  private readonly changes = new ChangeLog();

  constructor(private readonly options: ProfileRowsOptions) {
    this.profiles = new LRUCache({
      maxSize: Math.max(1, options.maxBytes),
      sizeCalculation: ({ entry }) => entry.bytes,
      ttl: Math.max(1, options.ttlMs),
      ttlAutopurge: false,
    });
  }

  get enabled(): boolean {
    return this.options.ttlMs > 0;
  }

  /** The cached piece, without loading: what the hot path composes from. */
  peek(profileId: string, row: ProfileRow, variant: string): RowPiece | undefined {
    if (!this.enabled) return undefined;
    return this.entry(profileId)?.pieces.get(`${row} ${variant}`);
  }

  /** The cached piece, or loaded and kept unless a change overtook the load. */
  async piece(
    profileId: string,
    row: ProfileRow,
    variant: string,
    load: () => Promise<RowPiece>,
  ): Promise<RowPiece> {
    const hit = this.peek(profileId, row, variant);
    if (hit) return hit;
    if (!this.enabled) return load();
    const entry = this.entryOf(profileId);
    const [generation, epoch] = [entry.generation, this.changes.epoch];
    const loaded = await load();
    const current = this.entry(profileId) === entry && entry.generation === generation;
    if (current && !this.changes.overtook({ kind: 'titles', titleIds: loaded.titleIds }, epoch)) {
      entry.pieces.set(`${row} ${variant}`, loaded);
      this.resize(profileId, entry);
    }
    return loaded;
  }

  /**
   * The page composed of shared rows and the profile's pieces, composed again when any of them
   * is not the one it was composed of; kept with the pieces while they are cached.
   */
  page(
    profileId: string,
    variant: string,
    rows: Representation,
    pieces: readonly RowPiece[],
    compose: () => Representation,
  ): Representation {
    const entry = this.enabled ? this.entry(profileId) : undefined;
    const kept = entry?.pages.get(variant);
    if (kept?.rows === rows && kept.pieces.every((piece, index) => piece === pieces[index]))
      return kept.representation;
    const representation = compose();
    if (entry && holdsAll(entry, pieces)) {
      entry.pages.set(variant, { rows, pieces, representation });
      this.resize(profileId, entry);
    }
    return representation;
  }

  /** Forgets a profile's row (after the profile changed it), and what was composed of it. */
  drop(profileId: string, row: ProfileRow): void {
    const entry = this.entry(profileId);
    if (!entry) return;
    entry.generation++;
    for (const key of entry.pieces.keys()) if (key.startsWith(`${row} `)) entry.pieces.delete(key);
    this.resize(profileId, entry);
  }

  /** Forgets every piece that names a changed title (every piece when the change is not known). */
  dropTitles(change: TitleChange | undefined): void {
    this.changes.record(change);
    const changed: Array<[string, ProfileEntry]> = [];
    for (const [profileId, { entry }] of this.profiles.entries()) {
      const before = entry.pieces.size;
      for (const [key, piece] of entry.pieces)
        if (!change || affects({ kind: 'titles', titleIds: piece.titleIds }, change))
          entry.pieces.delete(key);
      if (entry.pieces.size < before) changed.push([profileId, entry]);
    }
    // Sized again once the walk is over: setting an entry moves it in the LRU's order.
    for (const [profileId, entry] of changed) this.resize(profileId, entry);
  }

  private entry(profileId: string): ProfileEntry | undefined {
    return this.profiles.get(profileId)?.entry;
  }

  private entryOf(profileId: string): ProfileEntry {
    const known = this.entry(profileId);
    if (known) return known;
    const entry = new ProfileEntry();
    this.profiles.set(profileId, { entry });
    return entry;
  }

  /** Counts the entry's bytes again (keeping its TTL); drops pages whose pieces are gone. */
  private resize(profileId: string, entry: ProfileEntry): void {
    for (const [variant, page] of entry.pages)
      if (!holdsAll(entry, page.pieces)) entry.pages.delete(variant);
    this.profiles.set(profileId, { entry }, { noUpdateTTL: true });
  }
}

function holdsAll(entry: ProfileEntry, pieces: readonly RowPiece[]): boolean {
  const held = new Set(entry.pieces.values());
  return pieces.every((piece) => held.has(piece));
}
