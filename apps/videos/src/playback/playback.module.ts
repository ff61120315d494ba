import { Module } from '@nestjs/common';
import { StorageModule } from '../storage/storage.module';
import { VideosModule } from '../videos/videos.module';
import { PlaybackGrpcController } from './playback.grpc-controller';
import { PlaybackService } from './playback.service';

@Module({
  imports: [VideosModule, StorageModule],
  controllers: [PlaybackGrpcController],
  providers: [PlaybackService],
})
export class PlaybackModule {}
