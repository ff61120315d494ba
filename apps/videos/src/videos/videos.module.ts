import { Module } from '@nestjs/common';
import { StorageModule } from '../storage/storage.module';
import { VideoEventsPublisher } from './video-events.publisher';
import { VideosGrpcController } from './videos.grpc-controller';
import { VideosRepository } from './videos.repository';
import { VideosService } from './videos.service';

@Module({
  imports: [StorageModule],
  controllers: [VideosGrpcController],
  providers: [VideosRepository, VideosService, VideoEventsPublisher],
  exports: [VideosService],
})
export class VideosModule {}
