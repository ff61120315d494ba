import {
  CATALOG_TITLE_EVENTS,
  type CatalogTitleEvents,
  type EventEnvelope,
  type TitleSnapshot,
} from '@kinema/contracts/events';

// Kept apart from cache-scope.ts, and importing the contracts' events alone: the invalidation
// thread needs only this, and the contracts' root would load every gRPC codec and grpc-js into its
// heap.

/** A title that changed: its id, and what it looks like now (absent once deleted). */
export interface TitleChange {
  titleId: string;
  now?: TitleSnapshot;
}

/** The change a catalog title event reports; undefined for an event of another kind. */
export function changeOfEvent(event: EventEnvelope): TitleChange | undefined {
  switch (event.type) {
    case CATALOG_TITLE_EVENTS.created:
    case CATALOG_TITLE_EVENTS.updated:
    case CATALOG_TITLE_EVENTS.published: {
      const { title } = event.data as CatalogTitleEvents['kinema.catalog.v1.TitleCreated'];
      return { titleId: title.id, now: title };
    }
    case CATALOG_TITLE_EVENTS.deleted: {
      const { titleId } = event.data as CatalogTitleEvents['kinema.catalog.v1.TitleDeleted'];
      return { titleId };
    }
    default:
      return undefined;
  }
}
