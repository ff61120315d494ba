import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { MaturityRating } from '@kinema/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblems } from '../http/api-problems.decorator';
import { cacheableRead } from '../http/cache-headers';
import { maturityRatings } from './catalog-vocabulary';
import { CatalogClient } from './catalog.client';
import { BrowseQuery } from './dto/list-titles.query';
import { BrowseView, browseRowView, GenreListView, genreView } from './title.view';

@ApiTags('catalog')
@Controller()
export class CatalogController {
  constructor(private readonly catalog: CatalogClient) {}

  @Get('genres')
  @ApiOperation({ summary: 'Every genre' })
  @ApiOkResponse({ type: GenreListView })
  @ApiProblems(503, 504)
  async genres(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<GenreListView | undefined> {
    const { genres } = await this.catalog.listGenres();
    return cacheableRead(request, reply, { items: genres.map(genreView) }, { maxAgeSeconds: 300 });
  }

  @Get('browse')
  @ApiOperation({ summary: 'The home page: rows of titles (new releases, popular, one per genre)' })
  @ApiOkResponse({ type: BrowseView })
  @ApiProblems(400, 503, 504)
  async browse(
    @Query() query: BrowseQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BrowseView | undefined> {
    const { rows } = await this.catalog.browse({
      rowLimit: query.rowLimit ?? 0,
      visibility: {
        maxMaturity: query.maxMaturity
          ? maturityRatings.toProto(query.maxMaturity)
          : MaturityRating.MATURITY_RATING_UNSPECIFIED,
        includeDrafts: false,
      },
    });
    return cacheableRead(request, reply, { rows: rows.map(browseRowView) }, { maxAgeSeconds: 10 });
  }
}
