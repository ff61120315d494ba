import { Injectable } from '@nestjs/common';
import type { PlaybackProgress, Profile, Title } from '@kinema/contracts';
import type { Principal } from '../viewer/principal';
import { CatalogClient } from './catalog.client';
import { titleView } from './title.view';
import { UsersClient } from '../users/users.client';
import type { ContinueWatchingItemView, MyListPageView } from './library.views';
import { ViewingProfiles } from '../viewer/viewing-profiles.service';

/**
 * Turns the users service's title ids into titles with ONE BatchGetTitles per answer (never one
 * call per title), under the profile's maturity ceiling: a title the profile may not see, or
 * one deleted since, is simply left out.
 */
@Injectable()
export class ProfileTitles {
  constructor(
    private readonly users: UsersClient,
    private readonly catalog: CatalogClient,
    private readonly profiles: ViewingProfiles,
  ) {}

  async continueWatching(
    principal: Principal,
    profile: Profile,
    limit: number,
  ): Promise<ContinueWatchingItemView[]> {
    return (await this.continueWatchingRow(principal, profile, limit)).items;
  }

  /** Continue watching, and every title the users service named for it (those left out too). */
  async continueWatchingRow(
    principal: Principal,
    profile: Profile,
    limit: number,
  ): Promise<{ items: ContinueWatchingItemView[]; titleIds: string[] }> {
    const answer = await this.users.listContinueWatching({
      accountId: principal.accountId,
      profileId: profile.id,
      limit,
    });
    const titleIds = answer.items.map((item) => item.titleId);
    const titles = await this.titlesById(profile, titleIds);
    const items = answer.items.flatMap((item: PlaybackProgress) => {
      const title = titles.get(item.titleId);
      if (!title) return [];
      return [
        {
          title: titleView(title),
          episodeId: item.episodeId || null,
          positionSeconds: item.positionSeconds,
          durationSeconds: item.durationSeconds,
          updatedAt: (item.updateTime ?? new Date(0)).toISOString(),
        },
      ];
    });
    return { items, titleIds };
  }

  async myList(
    principal: Principal,
    profile: Profile,
    page: { limit: number; cursor: string },
  ): Promise<MyListPageView> {
    return (await this.myListRow(principal, profile, page)).page;
  }

  /** A page of My List, and every title the users service named on it (those left out too). */
  async myListRow(
    principal: Principal,
    profile: Profile,
    page: { limit: number; cursor: string },
  ): Promise<{ page: MyListPageView; titleIds: string[] }> {
    const answer = await this.users.listMyList({
      accountId: principal.accountId,
      profileId: profile.id,
      ...page,
    });
    const titleIds = answer.items.map((item) => item.titleId);
    const titles = await this.titlesById(profile, titleIds);
    return {
      page: {
        items: answer.items.flatMap((item) => {
          const title = titles.get(item.titleId);
          return title
            ? [{ title: titleView(title), addedAt: (item.addTime ?? new Date(0)).toISOString() }]
            : [];
        }),
        nextCursor: answer.nextCursor || null,
      },
      titleIds,
    };
  }

  private async titlesById(profile: Profile, ids: string[]): Promise<Map<string, Title>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const { titles } = await this.catalog.batchGetTitles({
      ids: unique,
      visibility: this.profiles.visibility({ profile }),
    });
    return new Map(titles.map((title) => [title.id, title]));
  }
}
