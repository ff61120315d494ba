import type { ServerWritableStream } from '@grpc/grpc-js';
import type {
  PresignPlaybackRequest,
  PresignPlaybackResponse,
  ReadVideoRequest,
  ReadVideoResponse,
} from '@kinema/contracts';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import { VIDEOS_GRPC_SERVICE } from '../videos.constants';
import { PlaybackService } from './playback.service';

/** VideosService playback calls. */
@Controller()
export class PlaybackGrpcController {
  constructor(private readonly playback: PlaybackService) {}

  // Nest buffers an Observable's values without limit while the call is congested, so the
  // chunks are written to the call directly (with back-pressure); the Observable emits nothing
  // and only tells Nest when the stream is done (Nest then ends the call) or failed (the
  // exception filter maps the error to a status).
  @GrpcMethod(VIDEOS_GRPC_SERVICE, 'readVideo')
  readVideo(
    request: ReadVideoRequest,
    _metadata: unknown,
    call: ServerWritableStream<ReadVideoRequest, ReadVideoResponse>,
  ): Observable<ReadVideoResponse> {
    return new Observable<ReadVideoResponse>((subscriber) => {
      this.playback.read(request, call).then(
        () => subscriber.complete(),
        (error: unknown) => subscriber.error(error),
      );
    });
  }

  @GrpcMethod(VIDEOS_GRPC_SERVICE, 'presignPlayback')
  presignPlayback(request: PresignPlaybackRequest): Promise<PresignPlaybackResponse> {
    return this.playback.presign(request.videoId, request.ttlSeconds);
  }
}
