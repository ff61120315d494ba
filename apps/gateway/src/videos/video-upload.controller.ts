import { Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { MaturityRating, TitleType } from '@kinema/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { Access } from '../auth/access-level.decorator';
import { CatalogClient } from '../catalog/catalog.client';
import { ApiProblems } from '../http/api-problems.decorator';
import { ProblemException } from '../http/problem.exception';
import { UploadRoute } from '../http/route-config';
import { uuidPipe } from '../http/uuid.pipe';
import { isVideoMediaType, mediaTypeOf } from './video-body.parser';
import { principalOf } from '../viewer/principal';
import type { UploadOutcome } from './upload-pump';
import { UploadSlots } from './upload-slots';
import {
  emptyVideo,
  lengthRequired,
  notFound,
  tooLarge,
  tooManyUploads,
  unsupportedMediaType,
} from './video-problems';
import { VideoView, videoView } from './video.view';
import { VideosClient } from './videos.client';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

const idPipe = uuidPipe('id');
const episodePipe = uuidPipe('episodeId');
const UPLOAD_DOC = {
  summary: 'Upload the video file (raw body, video/mp4 or video/webm, Content-Length required)',
  description:
    'The body is streamed to the videos service as it arrives (never buffered). 411 without ' +
    'Content-Length, 413 above the limit, 415 for other types, 422 when the file is not a valid ' +
    'video of the declared type. A newer upload replaces the current video once ready.',
};

/** Admin uploads, and reading an upload back (admin only: it names failures and internals). */
@ApiTags('videos')
@Controller()
export class VideoUploadController {
  constructor(
    private readonly videos: VideosClient,
    private readonly catalog: CatalogClient,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly slots: UploadSlots,
  ) {
    this.maxBytes = config.VIDEO_UPLOAD_MAX_BYTES;
  }

  private readonly maxBytes: number;

  @Post('titles/:id/video')
  @UploadRoute('video')
  @Access('admin')
  @ApiOperation(UPLOAD_DOC)
  @ApiConsumes('video/mp4', 'video/webm')
  @ApiCreatedResponse({ type: VideoView, description: 'Stored and ready; Location names it.' })
  @ApiProblems(411, 413, 415, 422)
  uploadMovie(
    @Param('id', idPipe) titleId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<VideoView | undefined> {
    return this.upload(titleId, '', request, reply);
  }

  @Post('titles/:id/episodes/:episodeId/video')
  @UploadRoute('video')
  @Access('admin')
  @ApiOperation(UPLOAD_DOC)
  @ApiConsumes('video/mp4', 'video/webm')
  @ApiCreatedResponse({ type: VideoView, description: 'Stored and ready; Location names it.' })
  @ApiProblems(411, 413, 415, 422)
  uploadEpisode(
    @Param('id', idPipe) titleId: string,
    @Param('episodeId', episodePipe) episodeId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<VideoView | undefined> {
    return this.upload(titleId, episodeId, request, reply);
  }

  @Get('videos/:id')
  @Access('admin')
  @ApiOperation({ summary: 'One uploaded video: status, size, checksum, duration, failure reason' })
  @ApiOkResponse({ type: VideoView })
  async get(@Param('id', idPipe) id: string): Promise<VideoView> {
    const { video } = await this.videos.getVideo(id);
    if (!video) throw new Error('videos service answered GetVideo without a video');
    return videoView(video);
  }

  /** Refused before the body is read through, the rest is dropped (http/lingering-close.ts). */
  private async upload(
    titleId: string,
    episodeId: string,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<VideoView | undefined> {
    const contentType = mediaTypeOf(request.headers['content-type']);
    if (!isVideoMediaType(contentType)) throw unsupportedMediaType();
    const contentLength = declaredLength(request);
    if (contentLength > this.maxBytes) throw tooLarge(this.maxBytes);
    const release = this.slots.take(principalOf(request)?.accountId ?? '');
    if (!release) throw tooManyUploads(this.slots.perAccount);
    let outcome: UploadOutcome;
    try {
      // Checked before a byte is read: an upload to nothing would be stored and never played.
      await this.ensureTarget(titleId, episodeId);
      const source = request.body instanceof Readable ? request.body : request.raw;
      outcome = await this.videos.upload(
        { titleId, episodeId, contentType, contentLength },
        source,
      );
    } finally {
      release();
    }
    if (outcome.kind === 'client-gone') {
      // Nobody to answer; make sure the socket is not kept for a reply that cannot arrive.
      request.raw.destroy();
      return undefined;
    }
    if (outcome.kind === 'failed') throw outcome.error;
    const video = outcome.response.video;
    if (!video) throw new Error('videos service answered UploadVideo without a video');
    void reply.status(201).header('location', `/api/v1/videos/${video.id}`);
    return videoView(video);
  }

  private async ensureTarget(titleId: string, episodeId: string): Promise<void> {
    const { title } = await this.catalog.getTitle({
      id: titleId,
      visibility: { maxMaturity: MaturityRating.MATURITY_RATING_UNSPECIFIED, includeDrafts: true },
    });
    if (!title) throw notFound('No title has this id.', 'TITLE_NOT_FOUND');
    const episodes = title.seasons.flatMap((season) => season.episodes.map((e) => e.id));
    if (episodeId && !episodes.includes(episodeId)) {
      throw notFound('This title has no episode with this id.', 'EPISODE_NOT_FOUND');
    }
    if (!episodeId && title.type === TitleType.TITLE_TYPE_SERIES) {
      throw ProblemException.badRequest(
        [{ field: 'episodeId', description: 'a series takes its videos per episode' }],
        'Upload to /titles/{id}/episodes/{episodeId}/video for a series.',
      );
    }
  }
}

function declaredLength(request: FastifyRequest): number {
  const header = request.headers['content-length'];
  if (header === undefined) throw lengthRequired();
  if (!/^\d{1,16}$/.test(header)) {
    throw ProblemException.badRequest([
      { field: 'Content-Length', description: 'must be the size of the file in bytes' },
    ]);
  }
  const length = Number(header);
  // Refused here, in the API's words: the videos service's would name its own upload metadata.
  if (length === 0) throw emptyVideo();
  return length;
}
