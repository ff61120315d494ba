import { Module } from '@nestjs/common';
import { ProfilesModule } from '../profiles/profiles.module';
import { LibraryGrpcController } from './library.grpc-controller';
import { LibraryRepository } from './library.repository';
import { MyListService } from './my-list.service';
import { PlaybackService } from './playback.service';

@Module({
  imports: [ProfilesModule],
  controllers: [LibraryGrpcController],
  providers: [LibraryRepository, MyListService, PlaybackService],
})
export class LibraryModule {}
