import { MATURITY_RATINGS } from '@kinema/contracts';
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Access } from '../auth/access-level.decorator';
import { ApiConditionalRead } from '../http/api-problems.decorator';
import { cacheableRead } from '../http/cache-headers';
import { jsonRepresentation } from '../http/representation';
import { browseScope } from '../cache/cache-scope';
import { HotReads } from '../cache/hot-reads';
import { ProfileTitles } from '../me/profile-titles.service';
import { PROFILE_HEADER_DOC, ViewingProfiles, type Viewer } from '../me/viewing-profiles.service';
import { CatalogClient } from './catalog.client';
import { BrowseQuery } from './dto/list-titles.query';
import { BrowseRowView, BrowseView, browseRowView, GenreListView, genreView } from './title.view';

export const CONTINUE_WATCHING_ROW_ID = 'continue-watching';

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
  @Access('optional')
  @ApiHeader(PROFILE_HEADER_DOC)
  @ApiOperation({
    summary: 'The home page: rows of titles (new releases, popular, one per genre)',
    description:
      'Browsing as a profile (X-Profile-Id) applies its maturity ceiling and puts a ' +
      '"Continue watching" row (id `continue-watching`) first when it has started titles.',
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
    const [{ rows }, continueWatching] = await Promise.all([
      this.catalog.browse(browseRequest),
      this.continueWatchingRow(viewer, query.rowLimit ?? 20),
    ]);
    const body = { rows: [...continueWatching, ...rows.map(browseRowView)] };
    return cacheableRead(request, reply, body, { maxAgeSeconds: 10, personal: true });
  }

  private async continueWatchingRow(viewer: Viewer, limit: number): Promise<BrowseRowView[]> {
    if (!viewer.principal || !viewer.profile) return [];
    const items = await this.profileTitles.continueWatching(
      viewer.principal,
      viewer.profile,
      Math.min(limit, 50),
    );
    if (items.length === 0) return [];
    return [
      {
        id: CONTINUE_WATCHING_ROW_ID,
        name: 'Continue watching',
        items: items.map((item) => item.title),
      },
    ];
  }
}
