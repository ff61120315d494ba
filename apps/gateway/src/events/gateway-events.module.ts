import {
  Injectable,
  Global,
  Module,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { TOPICS } from '@kinema/contracts';
import type { GatewayEventsReadiness } from '@kinema/contracts/supervision';
import { createLogger } from '@kinema/platform/logging';
import { REPLICA_NAME } from '@kinema/platform/config';
import { ReadinessDetails } from '@kinema/platform/ops';
import { createKafka, kafkaClientConfig, verifyKafkaCredentials } from '@kinema/platform/kafka';
import { CatalogCache } from '../cache/catalog-cache';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { RealtimeHub } from '../realtime/realtime.hub';
import { CatalogCacheInvalidation } from './catalog-cache-invalidation.handler';
import { GatewayEventFeed } from './event-feed';
import { servingFeedInstruments } from './feed-instruments';
import { InvalidationThread } from './invalidation-thread';
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
    private readonly invalidations: InvalidationThread,
    hub: RealtimeHub,
    readiness: ReadinessDetails,
  ) {
    // The gateway serves without Kafka; readiness says whether notifications and invalidations flow.
    readiness.register(
      'events',
      () =>
        ({
          feed: feed.joined ? 'joined' : 'joining',
          invalidationThread: invalidations.state,
          webSocketClients: hub.size,
        }) satisfies GatewayEventsReadiness,
    );
  }

  onApplicationBootstrap(): void {
    this.feed.start();
    this.invalidations.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.feed.stop(), this.invalidations.stop()]);
  }
}

function eventsLogger(config: GatewayConfig) {
  return createLogger('gateway', config.LOG_LEVEL).child({ component: 'events' });
}

/**
 * This replica's Kafka consumer: every event of the feed's topics, handed to each handler in turn
 * (the catalog cache's invalidation, profiles' own rows, ended sessions, WebSocket notifications). Global, so a
 * feature that reacts to events too (PlayableVideos) listens to the same feed. Beside it, the
 * invalidation thread reads the title events once more, off this thread, so the cache drops what
 * they change without waiting for this thread's turn.
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
        const logger = eventsLogger(config);
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
          servingFeedInstruments,
        );
      },
    },
    {
      provide: InvalidationThread,
      inject: [GATEWAY_CONFIG, CatalogCache],
      useFactory: (config: GatewayConfig, cache: CatalogCache) =>
        new InvalidationThread(
          cache,
          { env: config, groupId: `gateway.invalidation.${REPLICA_NAME}` },
          eventsLogger(config),
        ),
    },
    EventFeedLifecycle,
  ],
  exports: [GatewayEventFeed],
})
export class GatewayEventsModule {}
