import {
  Injectable,
  Global,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { maturityRank } from '@kinema/contracts';
import { createLogger } from '@kinema/platform/logging';
import { REPLICA_NAME } from '@kinema/platform/config';
import { Authentication } from '../auth/authentication';
import { SessionCheck } from '../auth/session-check';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { ViewerModule } from '../viewer/viewer.module';
import { ViewingProfiles } from '../viewer/viewing-profiles.service';
import { RealtimeHub, SESSION_ENDED } from './realtime.hub';

/** Opens `/ws` on the HTTP server once it exists; closes every WebSocket before it closes. */
@Injectable()
class RealtimeLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly hub: RealtimeHub,
  ) {}

  onApplicationBootstrap(): void {
    this.hub.attach(this.adapterHost.httpAdapter.getHttpServer());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.hub.close();
  }
}

/**
 * `/ws`: signed-in profiles' WebSockets and what is pushed to them (GatewayEventsModule's
 * handlers decide what, from the events this replica reads).
 */
@Global()
@Module({
  imports: [ViewerModule],
  providers: [
    {
      provide: RealtimeHub,
      inject: [GATEWAY_CONFIG, Authentication, SessionCheck, ViewingProfiles],
      useFactory: (
        config: GatewayConfig,
        authentication: Authentication,
        sessions: SessionCheck,
        profiles: ViewingProfiles,
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
              if ('refused' in verdict) return verdict.sessionEnded ? SESSION_ENDED : null;
              const { session } = verdict;
              const profile = await profiles.profile(session, profileId);
              return {
                profileId: profile.id,
                sessionId: session.sessionId,
                maturityCeiling: maturityRank(profile.maxMaturity),
                admin: session.role === 'admin',
              };
            },
            sessionEnded: (sessionId) => sessions.hasEnded(sessionId),
          },
          createLogger('gateway', config.LOG_LEVEL).child({ component: 'realtime' }),
        ),
    },
    RealtimeLifecycle,
  ],
  exports: [RealtimeHub],
})
export class RealtimeModule {}
