import {
  MaturityRating,
  type BatchGetTitlesRequest,
  type PlaybackProgress,
  type Title,
} from '@kinema/contracts';
import type { CatalogClient } from './catalog.client';
import type { UsersClient } from '../users/users.client';
import { ProfileTitles } from './profile-titles.service';
import { ViewingProfiles } from '../viewer/viewing-profiles.service';
import { aKidsProfile } from '../testing/kids-profile';

const kids = aKidsProfile('profile-1');

function progress(titleId: string): PlaybackProgress {
  return {
    profileId: kids.id,
    titleId,
    episodeId: '',
    positionSeconds: 600,
    durationSeconds: 3600,
    updateTime: new Date(0),
  };
}

function title(id: string): Title {
  return { id, name: id, genres: [], credits: [], seasons: [] } as unknown as Title;
}

describe('ProfileTitles.continueWatching', () => {
  it('resolves every title with ONE BatchGetTitles under the profile ceiling, dropping invisible ones', async () => {
    const batches: BatchGetTitlesRequest[] = [];
    const users = {
      listContinueWatching: async () => ({
        items: ['t1', 't2', 't3', 't4', 't5'].map(progress),
      }),
    } as unknown as UsersClient;
    const catalog = {
      batchGetTitles: async (request: BatchGetTitlesRequest) => {
        batches.push(request);
        // t3 is rated above the ceiling: the catalog leaves it out.
        return { titles: request.ids.filter((id) => id !== 't3').map(title) };
      },
    } as unknown as CatalogClient;
    const service = new ProfileTitles(users, catalog, new ViewingProfiles(users, 0));

    const items = await service.continueWatching(
      { accountId: 'account-1', role: 'viewer', sessionId: 's' },
      kids,
      20,
    );

    expect(batches).toHaveLength(1);
    expect(batches[0]).toEqual({
      ids: ['t1', 't2', 't3', 't4', 't5'],
      visibility: { maxMaturity: MaturityRating.MATURITY_RATING_KIDS_7, includeDrafts: false },
    });
    expect(items.map((item) => item.title.id)).toEqual(['t1', 't2', 't4', 't5']);
  });

  it('makes no catalog call when nothing was started', async () => {
    const users = { listContinueWatching: async () => ({ items: [] }) } as unknown as UsersClient;
    const catalog = {
      batchGetTitles: () => Promise.reject(new Error('must not be called')),
    } as unknown as CatalogClient;
    const service = new ProfileTitles(users, catalog, new ViewingProfiles(users, 0));
    const principal = { accountId: 'account-1', role: 'viewer' as const, sessionId: 's' };
    expect(await service.continueWatching(principal, kids, 20)).toEqual([]);
  });
});
