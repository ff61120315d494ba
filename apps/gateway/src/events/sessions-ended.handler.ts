import { Inject, Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@kinema/contracts';
import { SessionCheck } from '../auth/session-check';
import { RealtimeHub } from '../realtime/realtime.hub';
import { sessionsEndedBy } from '../realtime/session-ends';
import type { EventHandler } from './event-feed';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

/**
 * A logout, password change or account deletion on any replica: this replica stops trusting the
 * sessions at once (bearer tokens and playback grants) and closes their WebSockets.
 */
@Injectable()
export class SessionsEndedHandler implements EventHandler {
  constructor(
    private readonly sessions: SessionCheck,
    private readonly hub: RealtimeHub,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  handle(event: EventEnvelope): void {
    const ended = sessionsEndedBy(event);
    if (!ended) return;
    // Remembered as long as a grant issued just before the end could still be used.
    this.sessions.endSessions(
      ended.sessionIds,
      Date.now() + this.config.PLAYBACK_GRANT_TTL_SECONDS * 1000,
    );
    const { sessionIds, ...notice } = ended;
    this.hub.endSessions(sessionIds, notice);
  }
}
