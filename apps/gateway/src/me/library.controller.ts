import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Profile, Title } from '@kinema/contracts';
import type { FastifyReply } from 'fastify';
import { Access } from '../auth/access-level.decorator';
import { present } from '../auth/auth.views';
import { CurrentPrincipal, type Principal } from '../viewer/principal';
import { ProfileRows, type ProfileRow } from '../cache/profile-rows';
import { CatalogClient } from '../catalog/catalog.client';
import { titleView } from '../catalog/title.view';
import { ProblemException } from '../http/problem.exception';
import { uuidPipe } from '../http/uuid.pipe';
import { UsersClient } from '../users/users.client';
import { ContinueWatchingQuery, MyListQuery, ProgressBody } from './dto/me.body';
import {
  ContinueWatchingView,
  MyListItemView,
  MyListPageView,
  ProgressView,
} from '../catalog/library.views';
import { ProfileTitles } from '../catalog/profile-titles.service';
import { ViewingProfiles } from '../viewer/viewing-profiles.service';

const profileIdPipe = uuidPipe('profileId');
const titleIdPipe = uuidPipe('titleId');

function privateAnswer(reply: FastifyReply): void {
  void reply.header('cache-control', 'private, no-cache');
}

/** Runtime of what is playing: the episode's when one is named, else the movie's. */
function runtimeSeconds(title: Title, episodeId: string | undefined): number {
  if (!episodeId) return title.runtimeMinutes * 60;
  const episode = title.seasons.flatMap((s) => s.episodes).find((e) => e.id === episodeId);
  if (!episode) {
    throw ProblemException.badRequest([
      { field: 'episodeId', description: 'episodeId is not an episode of this title' },
    ]);
  }
  return episode.runtimeMinutes * 60;
}

/** A profile's My List, playback progress and continue-watching row. Profiles are the caller's or 404. */
@ApiTags('me')
@Controller('me/profiles/:profileId')
@Access('viewer')
export class LibraryController {
  constructor(
    private readonly users: UsersClient,
    private readonly catalog: CatalogClient,
    private readonly profiles: ViewingProfiles,
    private readonly titles: ProfileTitles,
    private readonly rows: ProfileRows,
  ) {}

  @Get('list')
  @ApiOperation({ summary: "The profile's My List, most recently added first" })
  @ApiOkResponse({ type: MyListPageView })
  async myList(
    @CurrentPrincipal() principal: Principal,
    @Param('profileId', profileIdPipe) profileId: string,
    @Query() query: MyListQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<MyListPageView> {
    const profile = await this.profiles.profile(principal, profileId);
    privateAnswer(reply);
    return this.titles.myList(principal, profile, {
      limit: query.limit ?? 0,
      cursor: query.cursor ?? '',
    });
  }

  @Put('list/:titleId')
  @ApiOperation({ summary: 'Add a title to My List (adding it again changes nothing)' })
  @ApiOkResponse({ type: MyListItemView })
  async add(
    @CurrentPrincipal() principal: Principal,
    @Param('profileId', profileIdPipe) profileId: string,
    @Param('titleId', titleIdPipe) titleId: string,
  ): Promise<MyListItemView> {
    const profile = await this.profiles.profile(principal, profileId);
    const title = await this.visibleTitle(profile, titleId);
    const { item } = await this.changing(profileId, 'my-list', () =>
      this.users.addToMyList({ accountId: principal.accountId, profileId, titleId }),
    );
    return {
      title: titleView(title),
      addedAt: (present(item, 'an item').addTime ?? new Date(0)).toISOString(),
    };
  }

  @Delete('list/:titleId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a title from My List' })
  @ApiNoContentResponse({ description: 'Removed (also when it was not on the list).' })
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('profileId', profileIdPipe) profileId: string,
    @Param('titleId', titleIdPipe) titleId: string,
  ): Promise<void> {
    // Proven the caller's first, as for every write here: only then are its cached rows dropped.
    await this.profiles.profile(principal, profileId);
    await this.changing(profileId, 'my-list', () =>
      this.users.removeFromMyList({ accountId: principal.accountId, profileId, titleId }),
    );
  }

  @Put('progress/:titleId')
  @ApiOperation({
    summary: 'Report the playback position of a title (or one of its episodes)',
    description: 'Titles between 5% and 95% watched show up in continue watching.',
  })
  @ApiOkResponse({ type: ProgressView })
  async progress(
    @CurrentPrincipal() principal: Principal,
    @Param('profileId', profileIdPipe) profileId: string,
    @Param('titleId', titleIdPipe) titleId: string,
    @Body() body: ProgressBody,
  ): Promise<ProgressView> {
    const profile = await this.profiles.profile(principal, profileId);
    const title = await this.visibleTitle(profile, titleId);
    const duration = body.durationSeconds ?? runtimeSeconds(title, body.episodeId);
    if (duration <= 0) {
      throw ProblemException.badRequest([
        { field: 'durationSeconds', description: 'durationSeconds is required for this title' },
      ]);
    }
    const { progress } = await this.changing(profileId, 'continue-watching', () =>
      this.users.reportProgress({
        accountId: principal.accountId,
        profileId,
        titleId,
        episodeId: body.episodeId ?? '',
        positionSeconds: body.positionSeconds,
        durationSeconds: duration,
      }),
    );
    const saved = present(progress, 'progress');
    return {
      titleId: saved.titleId,
      episodeId: saved.episodeId || null,
      positionSeconds: saved.positionSeconds,
      durationSeconds: saved.durationSeconds,
      updatedAt: (saved.updateTime ?? new Date(0)).toISOString(),
    };
  }

  @Get('continue-watching')
  @ApiOperation({ summary: 'Titles the profile started and has not finished, latest first' })
  @ApiOkResponse({ type: ContinueWatchingView })
  async continueWatching(
    @CurrentPrincipal() principal: Principal,
    @Param('profileId', profileIdPipe) profileId: string,
    @Query() query: ContinueWatchingQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ContinueWatchingView> {
    const profile = await this.profiles.profile(principal, profileId);
    privateAnswer(reply);
    return { items: await this.titles.continueWatching(principal, profile, query.limit ?? 0) };
  }

  /**
   * Runs a write of the profile's row, then drops this replica's cached row before the answer
   * goes out, so the profile's next home page shows the write (read your writes); other replicas
   * drop theirs when the users service's event arrives. Dropped whatever the outcome: a write
   * that timed out may have happened.
   */
  private async changing<T>(
    profileId: string,
    row: ProfileRow,
    write: () => Promise<T>,
  ): Promise<T> {
    try {
      return await write();
    } finally {
      this.rows.drop(profileId, row);
    }
  }

  /** The title as this profile may see it: 404 when unknown or above the profile's ceiling. */
  private async visibleTitle(profile: Profile, titleId: string): Promise<Title> {
    const { title } = await this.catalog.getTitle({
      id: titleId,
      visibility: this.profiles.visibility({ profile }),
    });
    return present(title, 'a title');
  }
}
