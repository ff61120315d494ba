import type { EventEnvelope } from '@kinema/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { parsePlaybackEvent } from './playback-event.payload';
import { TrendingRepository } from './trending.repository';

/** Counts `users.playback.v1` progress reports as views: one per profile, title and UTC day. */
@Injectable()
export class TrendingEventsHandler {
  constructor(private readonly trending: TrendingRepository) {}

  async handle(event: EventEnvelope, manager: EntityManager): Promise<void> {
    const view = parsePlaybackEvent(event);
    if (view) await this.trending.recordView(manager, view);
  }
}
