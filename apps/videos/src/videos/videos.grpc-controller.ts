import type {
  GetPlayableVideoRequest,
  GetPlayableVideoResponse,
  GetVideoRequest,
  GetVideoResponse,
} from '@kinema/contracts';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { VIDEOS_GRPC_SERVICE } from '../videos.constants';
import { toVideoMessage } from './video.mapper';
import { VideosService } from './videos.service';

/** VideosService lookups: transport only, the rules live in VideosService. */
@Controller()
export class VideosGrpcController {
  constructor(private readonly videos: VideosService) {}

  @GrpcMethod(VIDEOS_GRPC_SERVICE, 'getVideo')
  async getVideo(request: GetVideoRequest): Promise<GetVideoResponse> {
    return { video: toVideoMessage(await this.videos.getVideo(request.id)) };
  }

  @GrpcMethod(VIDEOS_GRPC_SERVICE, 'getPlayableVideo')
  async getPlayableVideo(request: GetPlayableVideoRequest): Promise<GetPlayableVideoResponse> {
    const video = await this.videos.getPlayableVideo(request.titleId, request.episodeId);
    return { video: toVideoMessage(video) };
  }
}
