import { Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import {
  ARTWORK_KINDS,
  ARTWORK_LIMITS,
  ARTWORK_MEDIA_TYPES,
  storedArtworkKey,
  type ArtworkKindName,
} from '@kinema/contracts';
import { problem } from '@kinema/platform/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Access } from '../auth/access-level.decorator';
import { ApiProblems } from '../http/api-problems.decorator';
import { ProblemException } from '../http/problem.exception';
import { UploadRoute } from '../http/route-config';
import { mediaTypeOf } from '../videos/video-body.parser';
import { notFound } from '../videos/video-problems';
import { ArtworkClient } from './artwork.client';
import { StoredArtworkView } from './artwork.view';

/** A stored image never changes under its URL (its key is a hash of its content). */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Every variant file name the API serves, e.g. `400.webp`. */
const VARIANT_FILES = [
  ...new Set(ARTWORK_KINDS.flatMap((kind) => ARTWORK_LIMITS[kind].widths)),
].map((width) => `${width}.webp`);

const HASH = /^[0-9a-f]{64}$/;

function isKind(value: string): value is ArtworkKindName {
  return (ARTWORK_KINDS as readonly string[]).includes(value);
}

function bounds(kind: ArtworkKindName): string {
  const b = ARTWORK_LIMITS[kind];
  return `${b.minWidth}×${b.minHeight} to ${b.maxWidth}×${b.maxHeight} pixels`;
}

function noSuchArtwork(): ProblemException {
  return notFound('No artwork is stored at this path.', 'ARTWORK_NOT_FOUND');
}

/** Posters and backdrops: uploads (admin) and their resized variants (anyone, cached for good). */
@ApiTags('artwork')
@Controller('artwork')
export class ArtworkController {
  constructor(private readonly artwork: ArtworkClient) {}

  @Post(':kind')
  @UploadRoute('image')
  @Access('admin')
  @ApiOperation({
    summary: 'Store a poster or backdrop image (raw body: image/png, image/jpeg or image/webp)',
    description:
      `Checked by content: the bytes must be the declared format, at most ` +
      `${ARTWORK_LIMITS.maxBytes} bytes, a poster ${bounds('poster')}, a backdrop ` +
      `${bounds('backdrop')}. 413 above the size, 415 for other types, 422 for anything else ` +
      'the image is not. Answers the key to set as the title’s artwork.',
  })
  @ApiParam({ name: 'kind', enum: ARTWORK_KINDS })
  @ApiConsumes(...ARTWORK_MEDIA_TYPES)
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiCreatedResponse({ type: StoredArtworkView })
  @ApiProblems(413, 415, 422)
  async upload(
    @Param('kind') kind: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StoredArtworkView> {
    if (!isKind(kind)) throw noSuchArtwork();
    const contentType = mediaTypeOf(request.headers['content-type']);
    if (!(ARTWORK_MEDIA_TYPES as readonly string[]).includes(contentType ?? '')) {
      throw new ProblemException(
        problem(415, 'Unsupported Media Type', {
          code: 'UNSUPPORTED_IMAGE_TYPE',
          detail: `Send the image as the body with Content-Type ${ARTWORK_MEDIA_TYPES.join(', ')}.`,
        }),
      );
    }
    const body = request.body;
    if (!Buffer.isBuffer(body)) throw new Error('the artwork body parser did not run');
    const stored = await this.artwork.put(kind, contentType ?? '', body);
    void reply.status(201);
    return { key: stored.key, width: stored.width, height: stored.height };
  }

  @Get(':kind/:hash/:file')
  @Access('public')
  @ApiOperation({
    summary: 'One resized variant of a stored image (WebP), cacheable for good',
    description: `Widths: posters ${ARTWORK_LIMITS.poster.widths.join(', ')}; backdrops ${ARTWORK_LIMITS.backdrop.widths.join(', ')}.`,
  })
  @ApiParam({ name: 'kind', enum: ARTWORK_KINDS })
  @ApiParam({ name: 'hash', schema: { type: 'string', pattern: HASH.source } })
  @ApiParam({ name: 'file', enum: VARIANT_FILES })
  @ApiOkResponse({ content: { 'image/webp': { schema: { type: 'string', format: 'binary' } } } })
  @ApiProblems(404)
  async variant(
    @Param('kind') kind: string,
    @Param('hash') hash: string,
    @Param('file') file: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const width = /^(\d{1,5})\.webp$/.exec(file)?.[1];
    if (!isKind(kind) || !HASH.test(hash) || !width) throw noSuchArtwork();
    const etag = `"${hash}-${width}"`;
    if (request.headers['if-none-match'] === etag) {
      // The URL names one image forever: a browser holding it needs no bytes.
      await reply.status(304).header('cache-control', IMMUTABLE).header('etag', etag).send();
      return;
    }
    const { image, contentType } = await this.artwork.get(
      storedArtworkKey(kind, hash),
      Number(width),
    );
    await reply
      .header('cache-control', IMMUTABLE)
      .header('etag', etag)
      .type(contentType)
      .send(Buffer.from(image));
  }
}
