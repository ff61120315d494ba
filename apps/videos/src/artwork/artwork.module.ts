import { Module } from '@nestjs/common';
import { ArtworkGrpcController } from './artwork.grpc-controller';
import { ArtworkImageProcess } from './artwork-image-process';
import { ArtworkService } from './artwork.service';
import { ArtworkStore } from './artwork-store';

/** Posters and backdrops of titles, in the video bucket beside the videos. */
@Module({
  controllers: [ArtworkGrpcController],
  providers: [ArtworkService, ArtworkStore, ArtworkImageProcess],
})
export class ArtworkModule {}
