import {
  USERS_PLAYBACK_EVENTS,
  type ListContinueWatchingRequest,
  type PlaybackProgress,
  type ReportProgressRequest,
  type UsersPlaybackEvents,
} from '@kinema/contracts';
import { OutboxPublisher } from '@kinema/platform';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Violations } from '../common/input-rules';
import { isForeignKeyViolation } from '@kinema/platform/database';
import { profileNotFound, ProfilesRepository } from '../profiles/profiles.repository';
import {
  DEFAULT_CONTINUE_WATCHING,
  MAX_CONTINUE_WATCHING,
  MAX_DURATION_SECONDS,
} from './progress-rules';

import { LibraryRepository, type ProgressRow } from './library.repository';

@Injectable()
export class PlaybackService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly library: LibraryRepository,
    private readonly profiles: ProfilesRepository,
    private readonly outbox: OutboxPublisher,
  ) {}

  /** Records where a profile is in a title (or episode) and publishes PlaybackProgressed with it. */
  async report(request: ReportProgressRequest): Promise<PlaybackProgress> {
    const violations = new Violations();
    const accountId = violations.uuid('account_id', request.accountId);
    const profileId = violations.uuid('profile_id', request.profileId);
    const titleId = violations.uuid('title_id', request.titleId);
    const episodeId = violations.optionalUuid('episode_id', request.episodeId);
    const { positionSeconds: position, durationSeconds: duration } = request;
    if (!Number.isInteger(duration) || duration < 1 || duration > MAX_DURATION_SECONDS) {
      violations.add('duration_seconds', `must be from 1 to ${MAX_DURATION_SECONDS}`);
    }
    if (!Number.isInteger(position) || position < 0)
      violations.add('position_seconds', 'must not be negative');
    else if (position > duration && duration >= 1)
      violations.add('position_seconds', 'must not exceed duration_seconds');
    violations.throwIfAny();
    try {
      return await this.dataSource.transaction(async (manager) => {
        await this.profiles.requireOwned(accountId, profileId, manager);
        const now = new Date();
        const row = await this.library.upsertProgress(manager, {
          profile_id: profileId,
          title_id: titleId,
          episode_id: episodeId,
          position_seconds: position,
          duration_seconds: duration,
          at: now,
        });
        const data: UsersPlaybackEvents[typeof USERS_PLAYBACK_EVENTS.progressed] = {
          profileId,
          accountId,
          titleId,
          episodeId,
          positionSeconds: position,
          durationSeconds: duration,
          occurredAt: now.toISOString(),
        };
        await this.outbox.publish(manager, {
          topic: USERS_PLAYBACK_EVENTS.topic,
          type: USERS_PLAYBACK_EVENTS.progressed,
          subject: profileId,
          data,
        });
        return toProgress(row);
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) throw profileNotFound();
      throw error;
    }
  }

  /**
   * The latest report per title (a series shows once, at its most recent episode), kept when it
   * is between 5% and 95% watched (see isInProgress), most recent first.
   */
  async continueWatching(request: ListContinueWatchingRequest): Promise<PlaybackProgress[]> {
    const violations = new Violations();
    const accountId = violations.uuid('account_id', request.accountId);
    const profileId = violations.uuid('profile_id', request.profileId);
    const limit = violations.limit(
      'limit',
      request.limit,
      DEFAULT_CONTINUE_WATCHING,
      MAX_CONTINUE_WATCHING,
    );
    violations.throwIfAny();
    await this.profiles.requireOwned(accountId, profileId);
    const rows = await this.library.inProgress(this.dataSource.manager, profileId, limit);
    return rows.map(toProgress);
  }
}

function toProgress(row: ProgressRow): PlaybackProgress {
  return {
    profileId: row.profile_id,
    titleId: row.title_id,
    episodeId: row.episode_id ?? '',
    positionSeconds: row.position_seconds,
    durationSeconds: row.duration_seconds,
    updateTime: row.updated_at,
  };
}
