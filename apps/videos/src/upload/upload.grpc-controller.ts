import type { ServerReadableStream, sendUnaryData } from '@grpc/grpc-js';
import type { UploadVideoRequest, UploadVideoResponse } from '@kinema/contracts';
import { toGrpcError } from '@kinema/platform';
import { Controller } from '@nestjs/common';
import { GrpcStreamCall } from '@nestjs/microservices';
import { VIDEOS_GRPC_SERVICE } from '../videos.constants';
import { UploadService } from './upload.service';

/** VideosService.UploadVideo: the raw grpc-js call, so the byte stream keeps its back-pressure. */
@Controller()
export class UploadGrpcController {
  constructor(private readonly uploads: UploadService) {}

  // @GrpcStreamCall hands over the call itself (an Observable would buffer without limit). Its
  // answer goes through the callback, so errors are mapped here with the platform's codec.
  @GrpcStreamCall(VIDEOS_GRPC_SERVICE, 'uploadVideo')
  async uploadVideo(
    call: ServerReadableStream<UploadVideoRequest, UploadVideoResponse>,
    callback: sendUnaryData<UploadVideoResponse>,
  ): Promise<void> {
    try {
      callback(null, { video: await this.uploads.upload(call) });
    } catch (error) {
      callback(toGrpcError(error));
    }
  }
}
