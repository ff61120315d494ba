import type {
  GetPlayableVideoRequest,
  GetPlayableVideoResponse,
  GetVideoRequest,
  GetVideoResponse,
} from '@kinema/contracts';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { checkPresignTtl } from '../storage/presign-ttl';
import { VideoStorage } from '../storage/video-storage';
import { VIDEOS_GRPC_SERVICE } from '../videos.constants';
import { toVideoMessage } from './video.mapper';
import { VideosService } from './videos.service';

/** VideosService lookups: transport only, the rules live in VideosService. */
@Controller()
export class VideosGrpcController {
  constructor(
    private readonly videos: VideosService,
    private readonly storage: VideoStorage,
  ) {}

  @GrpcMethod(VIDEOS_GRPC_SERVICE, 'getVideo')
  async getVideo(request: GetVideoRequest): Promise<GetVideoResponse> {
    return { video: toVideoMessage(await this.videos.getVideo(request.id)) };
  }

  @GrpcMethod(VIDEOS_GRPC_SERVICE, 'getPlayableVideo')
  async getPlayableVideo(request: GetPlayableVideoRequest): Promise<GetPlayableVideoResponse> {
    const ttl = request.readUrlTtlSeconds
      ? checkPresignTtl(request.readUrlTtlSeconds, 'read_url_ttl_seconds')
      : 0;
    const video = await this.videos.getPlayableVideo(request.titleId, request.episodeId);
    if (!ttl) return { video: toVideoMessage(video), readUrl: '', readUrlExpireTime: undefined };
    // The row and the URL come from one call: the caller reads the bytes with no other lookup.
    const issuedAt = Date.now();
    return {
      video: toVideoMessage(video),
      readUrl: await this.storage.presignInternalGet(video.objectKey, ttl),
      readUrlExpireTime: new Date(issuedAt + ttl * 1000),
    };
  }
}
