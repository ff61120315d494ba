import {
  Injectable,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { maturityRank, TOPICS, type EventEnvelope } from '@kinema/contracts';
import { createLogger } from '@kinema/platform/logging';
import { ReadinessDetails, REPLICA_NAME } from '@kinema/platform/ops';
import { createKafka } from '@kinema/platform/kafka';
import type { Logger } from 'pino';
import { Authentication } from '../auth/authentication';
import { SessionCheck } from '../auth/session-check';
import { CatalogCache } from '../cache/catalog-cache';
import { changeOfEvent } from '../cache/cache-scope';
import type { GatewayConfig } from '../config';
import { ViewerModule } from '../viewer/viewer.module';
import { ViewingProfiles } from '../viewer/viewing-profiles.service';
import { deliveriesFor } from './event-notifications';
import { GatewayEventFeed } from './event-feed';
import { RealtimeHub } from './realtime.hub';
import { sessionsEndedBy } from './session-ends';

const REALTIME_LOGGER = Symbol('REALTIME_LOGGER');
const FEED_TOPICS = [
  TOPICS.catalogTitles,
  TOPICS.videosVideos,
  TOPICS.usersPlayback,
  TOPICS.usersAccounts,
] as const;

/** Starts the feed and the `/ws` endpoint with the HTTP server; stops both before it closes. */
@Injectable()
class RealtimeLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly hub: RealtimeHub,
    private readonly feed: GatewayEventFeed,
    readiness: ReadinessDetails,
  ) {
    // The gateway serves without Kafka; readiness says whether notifications and invalidations flow.
    readiness.register('events', () => ({
      feed: feed.joined ? 'joined' : 'joining',
      webSocketClients: hub.size,
    }));
  }

  onApplicationBootstrap(): void {
    this.hub.attach(this.adapterHost.httpAdapter.getHttpServer());
    this.feed.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.feed.stop();
    await this.hub.close();
  }
}

/**
 * This replica's Kafka consumer and what it feeds: `/ws` notifications, and the invalidation of the
 * catalog read cache (owned by CatalogCacheModule).
 */
@Module({})
export class RealtimeModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: RealtimeModule,
      global: true,
      imports: [ViewerModule],
      providers: [
        {
          provide: REALTIME_LOGGER,
          useValue: createLogger('gateway', config.LOG_LEVEL).child({ component: 'realtime' }),
        },
        {
          provide: RealtimeHub,
          inject: [Authentication, SessionCheck, ViewingProfiles, REALTIME_LOGGER],
          useFactory: (
            authentication: Authentication,
            sessions: SessionCheck,
            profiles: ViewingProfiles,
            logger: Logger,
          ) =>
            new RealtimeHub(
              {
                path: '/ws',
                maxBufferedBytes: config.WS_MAX_BUFFERED_BYTES,
                pingIntervalMs: config.WS_PING_INTERVAL_MS,
                maxAuthPerMinute: config.WS_AUTH_PER_MINUTE,
                maxPayloadBytes: 8_192,
                servedBy: REPLICA_NAME,
                // The same checks as a bearer request, then the profile must be the caller's own.
                authenticate: async (token, profileId) => {
                  const verdict = await authentication.ofToken(token);
                  if ('refused' in verdict) return null;
                  const { session } = verdict;
                  const profile = await profiles.profile(session, profileId);
                  return {
                    profileId: profile.id,
                    sessionId: session.sessionId,
                    maturityCeiling: maturityRank(profile.maxMaturity),
                  };
                },
                sessionEnded: (sessionId) => sessions.hasEnded(sessionId),
              },
              logger,
            ),
        },
        {
          provide: GatewayEventFeed,
          inject: [RealtimeHub, CatalogCache, SessionCheck, REALTIME_LOGGER],
          useFactory: (
            hub: RealtimeHub,
            cache: CatalogCache,
            sessions: SessionCheck,
            logger: Logger,
          ) =>
            new GatewayEventFeed(
              createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'kinema-gateway' }, logger),
              // One group per replica, deleted when it stops (GatewayEventFeed says why).
              `gateway.realtime.${REPLICA_NAME}`,
              FEED_TOPICS,
              [
                async (event: EventEnvelope) => {
                  if (!event.type.startsWith('kinema.catalog.')) return;
                  // A title event drops what can show that title; any other catalog event, all.
                  await cache.invalidate(changeOfEvent(event), event.id);
                },
                (event: EventEnvelope) => {
                  const ended = sessionsEndedBy(event);
                  if (!ended) return;
                  // Remembered as long as a grant issued just before the end could still be used.
                  sessions.endSessions(
                    ended.sessionIds,
                    Date.now() + config.PLAYBACK_GRANT_TTL_SECONDS * 1000,
                  );
                  const { sessionIds, ...notice } = ended;
                  hub.endSessions(sessionIds, notice);
                },
                (event: EventEnvelope) => {
                  for (const delivery of deliveriesFor(event)) {
                    if (delivery.to === 'everyone')
                      hub.broadcast(delivery.notification, delivery.maturity);
                    else hub.toProfile(delivery.profileId, delivery.notification);
                  }
                },
              ],
              logger,
            ),
        },
        RealtimeLifecycle,
      ],
      exports: [RealtimeHub, GatewayEventFeed],
    };
  }
}
