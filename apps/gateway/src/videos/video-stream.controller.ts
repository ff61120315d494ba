import {
  applyDecorators,
  Controller,
  Get,
  Head,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Access } from '../auth/access-level.decorator';
import { unauthorized } from '../http/auth-problems';
import { principalOf } from '../viewer/principal';
import { ApiConditionalRead, ApiProblems } from '../http/api-problems.decorator';
import { HotRoute } from '../http/route-config';
import { uuidPipe } from '../http/uuid.pipe';
import { PROFILE_HEADER_DOC } from '../viewer/viewer';
import {
  playbackGrantOptions,
  PlaybackAccess,
  type PlaybackGrantOptions,
} from './playback-access.service';
import { PlayableVideos, type PlaybackTarget } from './playable-videos';
import { issueGrant } from './playback-grant';
import { VideoDelivery } from './video-delivery.service';
import { StaleReadUrl } from './video-problems';
import { StreamQuery } from './dto/stream.query';
import { PlaybackGrantView } from './video.view';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

const idPipe = uuidPipe('id');
const episodePipe = uuidPipe('episodeId');
const PROFILE_DOC = {
  ...PROFILE_HEADER_DOC,
  description: 'The profile that watches (required with a bearer token).',
};

/** What a GET of a video answers, a movie's or an episode's alike. */
function ApiStream(): MethodDecorator {
  return applyDecorators(
    ApiOperation({
      summary: 'Play the video (HTTP Range; bearer + X-Profile-Id, or ?grant=)',
      description:
        '206 with Content-Range for one range, 200 for the whole file (also for several ranges ' +
        'or an If-Range that no longer matches), 416 with `Content-Range: bytes */size` past the ' +
        'end. Strong ETag (the SHA-256). In redirect mode: 302 to a short-lived object-store URL.',
    }),
    ApiHeader(PROFILE_DOC),
    ApiProduces('video/mp4', 'video/webm'),
    ApiResponse({ status: 200, description: 'The whole file.' }),
    ApiResponse({ status: 206, description: 'The requested range.' }),
    ApiConditionalRead(),
    ApiResponse({ status: 302, description: 'Redirect mode: a presigned URL.' }),
    ApiProblems(416),
  );
}

/**
 * Playback. HEAD handlers are declared before GET ones on purpose: Fastify would otherwise add
 * its own HEAD route for each GET, which runs the GET handler and opens a read for nothing.
 */
@ApiTags('videos')
@Controller('titles')
export class VideoStreamController {
  constructor(
    private readonly access: PlaybackAccess,
    private readonly delivery: VideoDelivery,
    private readonly playables: PlayableVideos,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    this.grants = playbackGrantOptions(config);
  }

  private readonly grants: PlaybackGrantOptions;

  @Head(':id/stream')
  @HotRoute('playback')
  @Access('optional')
  @ApiOperation({ summary: 'Size, type and validators of the video, without the bytes' })
  @ApiHeader(PROFILE_DOC)
  headMovie(
    @Param('id', idPipe) id: string,
    @Query() query: StreamQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.stream({ titleId: id, episodeId: '' }, query.grant, request, reply);
  }

  @Get(':id/stream')
  @HotRoute('playback')
  @Access('optional')
  @ApiStream()
  getMovie(
    @Param('id', idPipe) id: string,
    @Query() query: StreamQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.stream({ titleId: id, episodeId: '' }, query.grant, request, reply);
  }

  @Head(':id/episodes/:episodeId/stream')
  @HotRoute('playback')
  @Access('optional')
  @ApiOperation({ summary: 'Size, type and validators of the episode video, without the bytes' })
  @ApiHeader(PROFILE_DOC)
  headEpisode(
    @Param('id', idPipe) id: string,
    @Param('episodeId', episodePipe) episodeId: string,
    @Query() query: StreamQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.stream({ titleId: id, episodeId }, query.grant, request, reply);
  }

  @Get(':id/episodes/:episodeId/stream')
  @HotRoute('playback')
  @Access('optional')
  @ApiStream()
  getEpisode(
    @Param('id', idPipe) id: string,
    @Param('episodeId', episodePipe) episodeId: string,
    @Query() query: StreamQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.stream({ titleId: id, episodeId }, query.grant, request, reply);
  }

  @Post(':id/playback')
  @Access('viewer')
  @HttpCode(200)
  @ApiOperation({ summary: 'A short-lived stream URL for a <video src> (no headers needed)' })
  @ApiHeader({ ...PROFILE_DOC, required: true })
  @ApiOkResponse({ type: PlaybackGrantView })
  grantMovie(
    @Param('id', idPipe) id: string,
    @Req() request: FastifyRequest,
  ): Promise<PlaybackGrantView> {
    return this.grant({ titleId: id, episodeId: '' }, request);
  }

  @Post(':id/episodes/:episodeId/playback')
  @Access('viewer')
  @HttpCode(200)
  @ApiOperation({ summary: 'A short-lived stream URL for an episode' })
  @ApiHeader({ ...PROFILE_DOC, required: true })
  @ApiOkResponse({ type: PlaybackGrantView })
  grantEpisode(
    @Param('id', idPipe) id: string,
    @Param('episodeId', episodePipe) episodeId: string,
    @Req() request: FastifyRequest,
  ): Promise<PlaybackGrantView> {
    return this.grant({ titleId: id, episodeId }, request);
  }

  private async stream(
    target: PlaybackTarget,
    grant: string | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    const playable = await this.access.forStream(request, target, grant);
    try {
      await this.delivery.serve(request, reply, playable);
    } catch (error) {
      if (!(error instanceof StaleReadUrl)) throw error;
      // The title's video changed since it was resolved (its event may not have arrived yet):
      // resolve it again, once; a second stale answer is the 503 itself.
      this.playables.forget(target.titleId);
      await this.delivery.serve(
        request,
        reply,
        await this.access.forStream(request, target, grant),
      );
    }
  }

  private async grant(target: PlaybackTarget, request: FastifyRequest): Promise<PlaybackGrantView> {
    const playable = await this.access.asProfile(request, target);
    const { sessionId } = principalOf(request) ?? {};
    if (!sessionId) throw unauthorized('A playback grant needs a signed-in session.');
    const expiresAt = Math.floor(Date.now() / 1000) + this.grants.ttlSeconds;
    const token = issueGrant(this.grants.secret, {
      ...target,
      profileId: playable.profileId,
      sessionId,
      maxMaturity: playable.maxMaturity,
      expiresAt,
    });
    const path = target.episodeId
      ? `/api/v1/titles/${target.titleId}/episodes/${target.episodeId}/stream`
      : `/api/v1/titles/${target.titleId}/stream`;
    return {
      streamUrl: `${path}?grant=${token}`,
      expiresAt: new Date(expiresAt * 1000).toISOString(),
      contentType: playable.video.contentType,
      durationSeconds: playable.video.durationSeconds,
      sizeBytes: playable.video.sizeBytes,
    };
  }
}
