import { MATURITY_RATINGS } from '@kinema/contracts';
import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Access } from '../auth/access-level.decorator';
import { ApiConditionalRead } from '../http/api-problems.decorator';
import { jsonRepresentation } from '../http/representation';
import { HotRoute } from '../http/route-config';
import { HotReads } from '../cache/hot-reads';
import { HomePage, homeRequest } from './home-page';
import { PROFILE_HEADER_DOC } from '../viewer/viewer';
import { ViewingProfiles } from '../viewer/viewing-profiles.service';
import { CatalogClient } from './catalog.client';
import { BrowseQuery } from './dto/list-titles.query';
import { BrowseView, GenreListView, genreView } from './title.view';

@ApiTags('catalog')
@Controller()
export class CatalogController {
  constructor(
    private readonly catalog: CatalogClient,
    private readonly profiles: ViewingProfiles,
    private readonly home: HomePage,
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
  ): Promise<Buffer | undefined> {
    const viewer = await this.profiles.viewerOf(request);
    const browseRequest = {
      rowLimit: query.rowLimit ?? 0,
      visibility: this.profiles.visibility(
        viewer,
        query.maxMaturity && MATURITY_RATINGS.toProto(query.maxMaturity),
      ),
    };
    const home = homeRequest(browseRequest, query.rowLimit ?? 20);
    const { principal, profile } = viewer;
    if (!principal || !profile) {
      // No profile, no "Continue watching": the rows are the same for everyone who sees as much.
      return this.reads.send(
        request,
        reply,
        home.rowsKey,
        () => this.home.loadRows(browseRequest),
        { maxAgeSeconds: 10 },
        viewer,
      );
    }
    return this.reads.sendComposed(
      request,
      reply,
      viewer,
      (asking) => this.home.peek(asking, home),
      () => this.home.load(principal, profile, home),
      { maxAgeSeconds: 10, personal: true },
    );
  }
}
