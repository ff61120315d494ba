import { MATURITY_RATINGS } from '@kinema/contracts';
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Access } from '../auth/access-level.decorator';
import { ApiConditionalRead } from '../http/api-problems.decorator';
import { cacheableRead } from '../http/cache-headers';
import { jsonRepresentation } from '../http/representation';
import { HotRoute } from '../http/route-config';
import { browseScope } from '../cache/cache-scope';
import { HotReads } from '../cache/hot-reads';
import { ProfileTitles } from './profile-titles.service';
import { PROFILE_HEADER_DOC } from '../viewer/viewer';
import { ViewingProfiles } from '../viewer/viewing-profiles.service';
import { CatalogClient } from './catalog.client';
import { BrowseQuery } from './dto/list-titles.query';
import {
  BrowseProgressView,
  BrowseRowView,
  BrowseView,
  browseRowView,
  GenreListView,
  genreView,
  type TitleView,
} from './title.view';

export const CONTINUE_WATCHING_ROW_ID = 'continue-watching';
export const MY_LIST_ROW_ID = 'my-list';

@ApiTags('catalog')
@Controller()
export class CatalogController {
  constructor(
    private readonly catalog: CatalogClient,
    private readonly profiles: ViewingProfiles,
    private readonly profileTitles: ProfileTitles,
    private readonly reads: HotReads,
  ) {}

  @Get('genres')
  @HotRoute('cached-read')
  @Access('public')
  @ApiOperation({ summary: 'Every genre' })
  @ApiOkResponse({ type: GenreListView })
  @ApiConditionalRead()
  async genres(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | undefined> {
    return this.reads.send(
      request,
      reply,
      'genres',
      async () => {
        const { genres: all } = await this.catalog.listGenres();
        const view: GenreListView = { items: all.map(genreView) };
        return { representation: jsonRepresentation(view), scope: { kind: 'vocabulary' } };
      },
      { maxAgeSeconds: 300 },
    );
  }

  @Get('browse')
  @HotRoute('cached-read')
  @Access('optional')
  @ApiHeader(PROFILE_HEADER_DOC)
  @ApiOperation({
    summary: 'The home page: rows of titles (new releases, popular, one per genre)',
    description:
      'Browsing as a profile (X-Profile-Id) applies its maturity ceiling, puts a ' +
      '"Continue watching" row (id `continue-watching`) first when it has started titles (with ' +
      '`progress` saying where it stopped in each), and a "My List" row (id `my-list`) after ' +
      'the first catalog row when its list is not empty: the whole home page in one request.',
  })
  @ApiOkResponse({ type: BrowseView })
  @ApiConditionalRead()
  async browse(
    @Query() query: BrowseQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BrowseView | Buffer | undefined> {
    const viewer = await this.profiles.viewerOf(request);
    const browseRequest = {
      rowLimit: query.rowLimit ?? 0,
      visibility: this.profiles.visibility(
        viewer,
        query.maxMaturity && MATURITY_RATINGS.toProto(query.maxMaturity),
      ),
    };
    if (!viewer.principal || !viewer.profile) {
      // No profile, no "Continue watching": the rows are the same for everyone who sees as much.
      return this.reads.send(
        request,
        reply,
        `browse:${JSON.stringify(browseRequest)}`,
        async () => {
          const { rows } = await this.catalog.browse(browseRequest);
          const view: BrowseView = { rows: rows.map(browseRowView) };
          return {
            representation: jsonRepresentation(view),
            scope: browseScope(browseRequest.visibility, rows),
          };
        },
        { maxAgeSeconds: 10 },
        viewer,
      );
    }
    const limit = query.rowLimit ?? 20;
    const [{ rows }, continueWatching, myList] = await Promise.all([
      this.catalog.browse(browseRequest),
      this.profileTitles.continueWatching(viewer.principal, viewer.profile, Math.min(limit, 50)),
      this.profileTitles.myList(viewer.principal, viewer.profile, { limit, cursor: '' }),
    ]);
    const [first, ...others] = rows.map(browseRowView);
    const personal = (id: string, name: string, items: TitleView[]): BrowseRowView[] =>
      items.length > 0 ? [{ id, name, items }] : [];
    const body: BrowseView = {
      rows: [
        ...personal(
          CONTINUE_WATCHING_ROW_ID,
          'Continue watching',
          continueWatching.map((item) => item.title),
        ),
        ...(first ? [first] : []),
        ...personal(
          MY_LIST_ROW_ID,
          'My List',
          myList.items.map((item) => item.title),
        ),
        ...others,
      ],
      progress: continueWatching.map((item): BrowseProgressView => ({
        titleId: item.title.id,
        episodeId: item.episodeId,
        positionSeconds: item.positionSeconds,
        durationSeconds: item.durationSeconds,
      })),
    };
    return cacheableRead(request, reply, body, { maxAgeSeconds: 10, personal: true });
  }
}
