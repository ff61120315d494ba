import { VIDEOS_VIDEO_EVENTS } from '@kinema/contracts';
import { ConsumerRegistry } from '@kinema/platform';
import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { CATALOG_CONFIG } from '../catalog.constants';
import type { CatalogConfig } from '../config';
import { consumerTimeouts } from '../events/event-data';
import { TitlesModule } from '../titles/titles.module';
import { TitlePlayabilityRepository } from './title-playability.repository';
import { VideoEventsHandler } from './video-events.handler';

/** Consumer group of the catalog on `videos.videos.v1`. */
export const VIDEOS_CONSUMER_GROUP = 'catalog.videos';

/** Titles and episodes become playable (or stop being) as the videos service reports. */
@Module({
  imports: [TitlesModule],
  providers: [TitlePlayabilityRepository, VideoEventsHandler],
})
export class PlayabilityModule implements OnModuleInit {
  constructor(
    private readonly consumers: ConsumerRegistry,
    private readonly handler: VideoEventsHandler,
    @Inject(CATALOG_CONFIG) private readonly config: CatalogConfig,
  ) {}

  onModuleInit(): void {
    this.consumers.register({
      groupId: VIDEOS_CONSUMER_GROUP,
      topics: [VIDEOS_VIDEO_EVENTS.topic],
      handle: (event, manager) => this.handler.handle(event, manager),
      ...consumerTimeouts(this.config),
    });
  }
}
