import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@kinema/contracts';
import { changeOfEvent } from '../cache/title-change';
import { CatalogCache } from '../cache/catalog-cache';
import type { EventHandler } from './event-feed';

/** Drops the cached catalog reads an event can have changed. */
@Injectable()
export class CatalogCacheInvalidation implements EventHandler {
  constructor(private readonly cache: CatalogCache) {}

  async handle(event: EventEnvelope): Promise<void> {
    if (!event.type.startsWith('kinema.catalog.')) return;
    // A title event drops what can show that title; any other catalog event, all.
    await this.cache.invalidate(changeOfEvent(event), event.id);
  }
}
