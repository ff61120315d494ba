import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  Availability,
  AVAILABILITIES,
  MATURITY_RATINGS,
  TITLE_SORTS,
  TITLE_TYPES,
  TitleSort,
  TitleType,
  type ListTitlesRequest,
} from '@kinema/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Access } from '../auth/access-level.decorator';
import { forbidden, unauthorized } from '../http/auth-problems';
import { ApiConditionalRead, ApiProblems } from '../http/api-problems.decorator';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { HotRoute } from '../http/route-config';
import { uuidPipe } from '../http/uuid.pipe';
import { PROFILE_HEADER_DOC, type Viewer } from '../viewer/viewer';
import { ViewingProfiles } from '../viewer/viewing-profiles.service';
import { expectedVersionFrom, versionEtag } from '../http/cache-headers';
import { jsonRepresentation } from '../http/representation';
import { HotReads } from '../cache/hot-reads';
import { ProblemException } from '../http/problem.exception';
import { problem } from '@kinema/platform/errors';
import { CatalogClient } from './catalog.client';
import { ListTitlesQuery } from './dto/list-titles.query';
import { TitleBody, TitlePatchBody } from './dto/title.body';
import { patchMask, toTitleInput } from './title-input.mapper';
import { TitlePageView, TitleView, titleView } from './title.view';

const idPipe = uuidPipe('id');

/** A successful catalog answer always carries the title; its absence is a bug, not a 404. */
function present<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('catalog answered without a title');
  return value;
}

/** Whether a listing asks for drafts, which only catalog editors see (401 or 403 otherwise). */
function listsDrafts(query: ListTitlesQuery, viewer: Viewer): boolean {
  if (query.availability === undefined || query.availability === 'published') return false;
  if (!viewer.principal) throw unauthorized('Listing drafts needs the bearer token of an admin.');
  if (viewer.principal.role !== 'admin')
    throw forbidden('Only catalog editors (admins) see drafts.');
  return true;
}

function expectedVersion(ifMatch: string | undefined): number {
  const version = expectedVersionFrom(ifMatch === '*' ? undefined : ifMatch);
  if (version === null) {
    throw new ProblemException(
      problem(412, 'Precondition Failed', {
        code: 'ETAG_MISMATCH',
        detail: 'If-Match does not name a current version of this title.',
      }),
    );
  }
  return version ?? 0;
}

@ApiTags('titles')
@Controller('titles')
export class TitlesController {
  constructor(
    private readonly catalog: CatalogClient,
    private readonly profiles: ViewingProfiles,
    private readonly reads: HotReads,
  ) {}

  @Get()
  @HotRoute('cached-read')
  @Access('optional')
  @ApiHeader(PROFILE_HEADER_DOC)
  @ApiOperation({ summary: 'List or search titles, one keyset page at a time' })
  @ApiOkResponse({ type: TitlePageView })
  @ApiProblems(403)
  @ApiConditionalRead()
  async list(
    @Query() query: ListTitlesQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | undefined> {
    const viewer = await this.profiles.viewerOf(request);
    const drafts = listsDrafts(query, viewer);
    const listRequest: ListTitlesRequest = {
      limit: query.limit ?? 0,
      cursor: query.cursor ?? '',
      genre: query.genre ?? '',
      type: query.type ? TITLE_TYPES.toProto(query.type) : TitleType.TITLE_TYPE_UNSPECIFIED,
      yearFrom: query.yearFrom ?? 0,
      yearTo: query.yearTo ?? 0,
      query: query.q ?? '',
      sort: query.sort ? TITLE_SORTS.toProto(query.sort) : TitleSort.TITLE_SORT_UNSPECIFIED,
      visibility: {
        ...this.profiles.visibility(
          viewer,
          query.maxMaturity && MATURITY_RATINGS.toProto(query.maxMaturity),
        ),
        includeDrafts: drafts,
      },
      availability:
        query.availability === undefined || query.availability === 'all'
          ? Availability.AVAILABILITY_UNSPECIFIED
          : AVAILABILITIES.toProto(query.availability),
    };
    // The request names the viewer's visibility (ceiling, drafts): the key of what they may see.
    return this.reads.send(
      request,
      reply,
      `titles:${JSON.stringify(listRequest)}`,
      async () => {
        const response = await this.catalog.listTitles(listRequest);
        const view: TitlePageView = {
          items: response.titles.map((t) => titleView(t)),
          nextCursor: response.nextCursor || null,
        };
        return {
          representation: jsonRepresentation(view),
          scope: {
            kind: 'titles',
            titleIds: view.items.map((item) => item.id),
            filter: listRequest,
          },
        };
      },
      { maxAgeSeconds: 10, personal: !!viewer.profile || drafts },
      viewer,
    );
  }

  @Get(':id')
  @HotRoute('cached-read')
  @Access('optional')
  @ApiHeader(PROFILE_HEADER_DOC)
  @ApiOperation({
    summary: 'One title with its seasons and episodes',
    description: 'Published titles for everyone; drafts too for catalog editors (admins).',
  })
  @ApiOkResponse({ type: TitleView })
  @ApiConditionalRead()
  async get(
    @Param('id', idPipe) id: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | undefined> {
    const viewer = await this.profiles.viewerOf(request);
    // Catalog editors read drafts too: what they are about to edit or publish.
    const editor = viewer.principal?.role === 'admin';
    const titleRequest = {
      id,
      visibility: { ...this.profiles.visibility(viewer), includeDrafts: editor },
    };
    return this.reads.send(
      request,
      reply,
      `title:${JSON.stringify(titleRequest)}`,
      async () => {
        const { title: found } = await this.catalog.getTitle(titleRequest);
        const view = titleView(present(found), true);
        return {
          representation: jsonRepresentation(view, {
            etag: versionEtag(view.version),
            personal: view.availability === 'draft',
          }),
          scope: { kind: 'title', titleId: id },
        };
      },
      { maxAgeSeconds: 10, personal: !!viewer.profile },
      viewer,
    );
  }

  @Post()
  @Access('admin')
  @ApiOperation({ summary: 'Create a title' })
  @ApiCreatedResponse({
    type: TitleView,
    description: 'Created; Location and ETag headers are set.',
  })
  @ApiProblems(409)
  @Idempotent()
  async create(
    @Body() body: TitleBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TitleView> {
    const { title } = await this.catalog.createTitle({ title: toTitleInput(body) });
    const view = titleView(present(title), true);
    void reply
      .status(201)
      .header('location', `/api/v1/titles/${view.id}`)
      .header('etag', versionEtag(view.version));
    return view;
  }

  @Put(':id')
  @Access('admin')
  @ApiOperation({ summary: 'Replace a title (send If-Match with its ETag to avoid lost updates)' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'ETag from a previous read' })
  @ApiOkResponse({ type: TitleView })
  @ApiProblems(409, 412)
  async replace(
    @Param('id', idPipe) id: string,
    @Body() body: TitleBody,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TitleView> {
    const expected = expectedVersion(ifMatch);
    const { title } = await this.catalog.updateTitle({
      id,
      expectedVersion: expected,
      title: toTitleInput(body),
    });
    const view = titleView(present(title), true);
    void reply.header('etag', versionEtag(view.version));
    return view;
  }

  @Patch(':id')
  @Access('admin')
  @ApiOperation({ summary: 'Change some fields of a title (JSON merge patch of the fields given)' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'ETag from a previous read' })
  @ApiOkResponse({ type: TitleView })
  @ApiProblems(409, 412)
  async patch(
    @Param('id', idPipe) id: string,
    @Body() body: TitlePatchBody,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TitleView> {
    const expected = expectedVersion(ifMatch);
    const paths = patchMask(body);
    if (paths.length === 0) {
      throw ProblemException.badRequest([
        { field: 'body', description: 'name at least one field to change' },
      ]);
    }
    const { title } = await this.catalog.patchTitle({
      id,
      expectedVersion: expected,
      title: toTitleInput(body),
      updateMask: paths,
    });
    const view = titleView(present(title), true);
    void reply.header('etag', versionEtag(view.version));
    return view;
  }

  @Delete(':id')
  @Access('admin')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a title' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'ETag from a previous read' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(412)
  async remove(
    @Param('id', idPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    await this.catalog.deleteTitle({ id, expectedVersion: expectedVersion(ifMatch) });
  }
}
