import { Injectable } from '@nestjs/common';
import type { EventEnvelope } from '@kinema/contracts';
import { deliveriesFor } from '../realtime/event-notifications';
import { RealtimeHub } from '../realtime/realtime.hub';
import type { EventHandler } from './event-feed';

/** Tells this replica's WebSocket clients what an event means to them. */
@Injectable()
export class NotificationFanOut implements EventHandler {
  constructor(private readonly hub: RealtimeHub) {}

  handle(event: EventEnvelope): void {
    for (const delivery of deliveriesFor(event)) {
      if (delivery.to === 'everyone') this.hub.broadcast(delivery.notification, delivery.maturity);
      else if (delivery.to === 'admins')
        this.hub.toAdmins(delivery.notification, delivery.maturity);
      else this.hub.toProfile(delivery.profileId, delivery.notification);
    }
  }
}
