import type { EventEnvelope } from '@kinema/contracts';
import { DataSource } from 'typeorm';
import { VideoEventsHandler } from '../playability/video-events.handler';
import { aVideoReady } from './catalog-events.builder';
import type { CatalogHarness } from './catalog-test-harness';

/**
 * Applies a `videos.videos.v1` event through the catalog's own handler and transaction, for
 * suites that run without a broker (the consumer path itself is covered with a real broker).
 */
export async function deliverVideoEvent(
  catalog: CatalogHarness,
  event: EventEnvelope,
): Promise<void> {
  const handler = catalog.running.app.get(VideoEventsHandler);
  await catalog.running.app
    .get(DataSource)
    .transaction((manager) => handler.handle(event, manager));
}

/** Makes a title playable as a ready video of its own would. */
export function makePlayable(catalog: CatalogHarness, titleId: string): Promise<void> {
  return deliverVideoEvent(catalog, aVideoReady({ titleId }));
}
