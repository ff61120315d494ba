import type { AvailabilityName, TitleTypeName } from '../rules/vocabulary';
import { TOPICS } from './topics';

/** Payloads on `catalog.titles.v1`. Titles are keyed by id; consumers rely on per-key order. */
export interface TitleSnapshot {
  id: string;
  slug: string;
  name: string;
  type: TitleTypeName;
  availability: AvailabilityName;
  maturityRating: number;
  releaseYear: number;
  genres: string[];
  playable: boolean;
  version: number;
}

export interface CatalogTitleEvents {
  'kinema.catalog.v1.TitleCreated': { title: TitleSnapshot };
  'kinema.catalog.v1.TitleUpdated': { title: TitleSnapshot; changedFields: string[] };
  'kinema.catalog.v1.TitlePublished': { title: TitleSnapshot };
  'kinema.catalog.v1.TitleDeleted': { titleId: string; slug: string; version: number };
}

export type CatalogTitleEventType = keyof CatalogTitleEvents;

export const CATALOG_TITLE_EVENTS = {
  topic: TOPICS.catalogTitles,
  created: 'kinema.catalog.v1.TitleCreated',
  updated: 'kinema.catalog.v1.TitleUpdated',
  published: 'kinema.catalog.v1.TitlePublished',
  deleted: 'kinema.catalog.v1.TitleDeleted',
} as const satisfies Record<string, string>;
