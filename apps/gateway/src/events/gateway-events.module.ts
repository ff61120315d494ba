import {
  Injectable,
  Global,
  Module,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { TOPICS } from '@kinema/contracts';
import { createLogger } from '@kinema/platform/logging';
import { ReadinessDetails, REPLICA_NAME } from '@kinema/platform/ops';
import { createKafka, kafkaClientConfig, verifyKafkaCredentials } from '@kinema/platform/kafka';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { RealtimeHub } from '../realtime/realtime.hub';
import { CatalogCacheInvalidation } from './catalog-cache-invalidation.handler';
import { GatewayEventFeed } from './event-feed';
import { NotificationFanOut } from './notification-fan-out.handler';
import { ProfileRowsInvalidation } from './profile-rows-invalidation.handler';
import { SessionsEndedHandler } from './sessions-ended.handler';

const FEED_TOPICS = [
  TOPICS.catalogTitles,
  TOPICS.videosVideos,
  TOPICS.usersPlayback,
  TOPICS.usersAccounts,
] as const;

/** Starts the feed once the application is up; stops it before anything it feeds closes. */
@Injectable()
class EventFeedLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly feed: GatewayEventFeed,
    hub: RealtimeHub,
    readiness: ReadinessDetails,
  ) {
    // The gateway serves without Kafka; readiness says whether notifications and invalidations flow.
    readiness.register('events', () => ({
      feed: feed.joined ? 'joined' : 'joining',
      webSocketClients: hub.size,
    }));
  }

  onApplicationBootstrap(): void {
    this.feed.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.feed.stop();
  }
}

/**
 * This replica's Kafka consumer: every event of the feed's topics, handed to each handler in turn
 * (the catalog cache's invalidation, profiles' own rows, ended sessions, WebSocket notifications). Global, so a
 * feature that reacts to events too (PlayableVideos) listens to the same feed.
 */
@Global()
@Module({
  providers: [
    CatalogCacheInvalidation,
    ProfileRowsInvalidation,
    SessionsEndedHandler,
    NotificationFanOut,
    {
      provide: GatewayEventFeed,
      inject: [
        GATEWAY_CONFIG,
        CatalogCacheInvalidation,
        ProfileRowsInvalidation,
        SessionsEndedHandler,
        NotificationFanOut,
      ],
      useFactory: async (
        config: GatewayConfig,
        ...handlers: [
          CatalogCacheInvalidation,
          ProfileRowsInvalidation,
          SessionsEndedHandler,
          NotificationFanOut,
        ]
      ) => {
        const logger = createLogger('gateway', config.LOG_LEVEL).child({ component: 'events' });
        const kafkaConfig = kafkaClientConfig(config, 'kinema-gateway');
        const kafka = createKafka(kafkaConfig, logger);
        // Wrong SASL credentials fail start-up here; an absent Kafka does not.
        await verifyKafkaCredentials(kafka, kafkaConfig, logger);
        return new GatewayEventFeed(
          kafka,
          // One group per replica, deleted when it stops (GatewayEventFeed says why).
          `gateway.realtime.${REPLICA_NAME}`,
          FEED_TOPICS,
          handlers.map((handler) => (event) => handler.handle(event)),
          logger,
        );
      },
    },
    EventFeedLifecycle,
  ],
  exports: [GatewayEventFeed],
})
export class GatewayEventsModule {}
