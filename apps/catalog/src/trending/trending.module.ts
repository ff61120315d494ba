import { USERS_PLAYBACK_EVENTS } from '@kinema/contracts';
import { ConsumerRegistry } from '@kinema/platform';
import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { CATALOG_CONFIG } from '../catalog.constants';
import type { CatalogConfig } from '../config';
import { consumerTimeouts } from '../events/event-data';
import { TrendingEventsHandler } from './trending-events.handler';
import { TrendingWindowJob } from './trending-window.job';
import { TrendingRepository } from './trending.repository';

/** Consumer group of the catalog on `users.playback.v1`. */
export const TRENDING_CONSUMER_GROUP = 'catalog.trending';

/** Per-title view counts over the last 7 days, from playback progress reports. */
@Module({
  providers: [TrendingRepository, TrendingEventsHandler, TrendingWindowJob],
})
export class TrendingModule implements OnModuleInit {
  constructor(
    private readonly consumers: ConsumerRegistry,
    private readonly handler: TrendingEventsHandler,
    @Inject(CATALOG_CONFIG) private readonly config: CatalogConfig,
  ) {}

  onModuleInit(): void {
    this.consumers.register({
      groupId: TRENDING_CONSUMER_GROUP,
      topics: [USERS_PLAYBACK_EVENTS.topic],
      handle: (event, manager) => this.handler.handle(event, manager),
      ...consumerTimeouts(this.config),
    });
  }
}
