import {
  CATALOG_TITLE_EVENTS,
  type CatalogTitleEvents,
  type TitleSnapshot,
} from '@kinema/contracts';
import { OutboxPublisher } from '@kinema/platform';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TitleRow } from './title.mapper';

// Fields whose change makes a TitleUpdated; names as in TitleInput (or Title, for the fields only
// video events change) so consumers can filter.
const TRACKED: ReadonlyArray<[string, (row: TitleRow) => unknown]> = [
  ['slug', (r) => r.slug],
  ['type', (r) => r.type],
  ['name', (r) => r.name],
  ['synopsis', (r) => r.synopsis],
  ['release_year', (r) => r.release_year],
  ['runtime_minutes', (r) => r.runtime_minutes],
  ['maturity_rating', (r) => r.maturity],
  ['genre_slugs', (r) => r.genres.map((g) => g.slug)],
  ['credits', (r) => r.credits],
  ['artwork', (r) => [r.poster_key, r.backdrop_key]],
  ['availability', (r) => r.availability],
  ['popularity', (r) => r.popularity],
  ['seasons', (r) => r.seasons],
  ['playable', (r) => r.playable],
  ['duration_seconds', (r) => r.duration_seconds],
];

export function titleSnapshot(row: TitleRow): TitleSnapshot {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    type: row.type,
    availability: row.availability,
    maturityRating: row.maturity,
    releaseYear: row.release_year,
    genres: row.genres.map((g) => g.slug),
    playable: row.playable,
    version: row.version,
  };
}

export function changedFields(before: TitleRow, after: TitleRow): string[] {
  return TRACKED.filter(
    ([, read]) => JSON.stringify(read(before)) !== JSON.stringify(read(after)),
  ).map(([name]) => name);
}

/** Appends catalog.titles.v1 events to the outbox, inside the transaction of the change. */
@Injectable()
export class TitleEventsPublisher {
  constructor(private readonly outbox: OutboxPublisher) {}

  async created(manager: EntityManager, after: TitleRow): Promise<void> {
    await this.emit(manager, after.id, CATALOG_TITLE_EVENTS.created, {
      title: titleSnapshot(after),
    });
    if (after.availability === 'published') {
      await this.emit(manager, after.id, CATALOG_TITLE_EVENTS.published, {
        title: titleSnapshot(after),
      });
    }
  }

  async updated(manager: EntityManager, before: TitleRow, after: TitleRow): Promise<void> {
    const fields = changedFields(before, after);
    if (fields.length === 0) return;
    await this.emit(manager, after.id, CATALOG_TITLE_EVENTS.updated, {
      title: titleSnapshot(after),
      changedFields: fields,
    });
    if (before.availability !== 'published' && after.availability === 'published') {
      await this.emit(manager, after.id, CATALOG_TITLE_EVENTS.published, {
        title: titleSnapshot(after),
      });
    }
  }

  async deleted(manager: EntityManager, before: TitleRow): Promise<void> {
    await this.emit(manager, before.id, CATALOG_TITLE_EVENTS.deleted, {
      titleId: before.id,
      slug: before.slug,
      version: before.version,
    });
  }

  private async emit<Type extends keyof CatalogTitleEvents>(
    manager: EntityManager,
    titleId: string,
    type: Type,
    data: CatalogTitleEvents[Type],
  ): Promise<void> {
    await this.outbox.publish(manager, {
      topic: CATALOG_TITLE_EVENTS.topic,
      type,
      subject: titleId,
      data,
    });
  }
}
