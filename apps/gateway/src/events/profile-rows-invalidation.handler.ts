import { Injectable } from '@nestjs/common';
import {
  USERS_PLAYBACK_EVENTS,
  type EventEnvelope,
  type UsersPlaybackEvents,
} from '@kinema/contracts';
import { ProfileRows, type ProfileRow } from '../cache/profile-rows';
import type { EventHandler } from './event-feed';

/** The row of a profile's own each users event changes. */
const ROW_OF: Record<string, ProfileRow> = {
  [USERS_PLAYBACK_EVENTS.progressed]: 'continue-watching',
  [USERS_PLAYBACK_EVENTS.myListChanged]: 'my-list',
};

/**
 * A profile's progress or My List changed through any replica: this replica drops its cached
 * row (the replica that took the write dropped it already, before answering).
 */
@Injectable()
export class ProfileRowsInvalidation implements EventHandler {
  constructor(private readonly rows: ProfileRows) {}

  handle(event: EventEnvelope): void {
    const row = ROW_OF[event.type];
    if (!row) return;
    const { profileId } = event.data as UsersPlaybackEvents[keyof UsersPlaybackEvents];
    this.rows.drop(profileId, row);
  }
}
