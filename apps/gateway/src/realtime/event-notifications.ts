import {
  CATALOG_TITLE_EVENTS,
  USERS_PLAYBACK_EVENTS,
  VIDEOS_VIDEO_EVENTS,
  type CatalogTitleEvents,
  type EventEnvelope,
  type UsersPlaybackEvents,
  type VideosVideoEvents,
} from '@kinema/contracts';
import type { Notification } from './notifications';

/**
 * The maturity rank (1..5) of the title a public notification is about, so a socket of a profile
 * with a lower ceiling never hears of it; `unknown` when the event does not say (only sockets
 * with no ceiling get those).
 */
export type NotificationMaturity = number | 'unknown';

export type Delivery =
  | { to: 'everyone'; maturity: NotificationMaturity; notification: Notification }
  | { to: 'admins'; maturity: NotificationMaturity; notification: Notification }
  | { to: 'profile'; profileId: string; notification: Notification };

type Data<Events, Type extends keyof Events> = Events[Type];

/**
 * What clients are told about an event. A title is "published" for viewers when it is published
 * and playable, whichever of the two happened last; other visible changes are "updated". A draft
 * is seen by admins only (as HTTP reads show it), so its changes, its video made playable
 * included, go to admins' sockets: a page of the draft is not left behind the catalog.
 */
export function deliveriesFor(event: EventEnvelope): Delivery[] {
  const base = { eventId: event.id, time: event.time };
  switch (event.type) {
    case CATALOG_TITLE_EVENTS.published: {
      const { title } = event.data as Data<
        CatalogTitleEvents,
        typeof CATALOG_TITLE_EVENTS.published
      >;
      if (!title.playable) return [];
      return [
        {
          to: 'everyone',
          maturity: title.maturityRating,
          notification: { type: 'title.published', ...base, title: pick(title) },
        },
      ];
    }
    case CATALOG_TITLE_EVENTS.updated: {
      const { title, changedFields } = event.data as Data<
        CatalogTitleEvents,
        typeof CATALOG_TITLE_EVENTS.updated
      >;
      const updated: Notification = {
        type: 'title.updated',
        ...base,
        title: pick(title),
        changedFields,
      };
      if (title.availability !== 'published')
        return [{ to: 'admins', maturity: title.maturityRating, notification: updated }];
      const becameVisible = changedFields.includes('playable') && title.playable;
      return [
        {
          to: 'everyone',
          maturity: title.maturityRating,
          notification: becameVisible
            ? { type: 'title.published', ...base, title: pick(title) }
            : updated,
        },
      ];
    }
    case VIDEOS_VIDEO_EVENTS.ready: {
      const data = event.data as Data<VideosVideoEvents, typeof VIDEOS_VIDEO_EVENTS.ready>;
      return [
        {
          // The videos service does not know the title's rating; the catalog's title event that
          // follows (now playable) carries it to the sockets with a ceiling.
          to: 'everyone',
          maturity: 'unknown',
          notification: {
            type: 'video.ready',
            ...base,
            titleId: data.titleId,
            episodeId: data.episodeId,
            durationSeconds: data.durationSeconds,
          },
        },
      ];
    }
    case USERS_PLAYBACK_EVENTS.progressed: {
      const data = event.data as Data<UsersPlaybackEvents, typeof USERS_PLAYBACK_EVENTS.progressed>;
      return [
        {
          to: 'profile',
          profileId: data.profileId,
          notification: {
            type: 'profile.progress',
            ...base,
            profileId: data.profileId,
            titleId: data.titleId,
            episodeId: data.episodeId,
            positionSeconds: data.positionSeconds,
            durationSeconds: data.durationSeconds,
          },
        },
      ];
    }
    default:
      return [];
  }
}

function pick(title: { id: string; slug: string; name: string }) {
  return { id: title.id, slug: title.slug, name: title.name };
}
