import { Module } from '@nestjs/common';
import { StorageModule } from '../storage/storage.module';
import { VideosModule } from '../videos/videos.module';
import { UploadGrpcController } from './upload.grpc-controller';
import { UploadService } from './upload.service';
import { UploadSweeper } from './upload-sweeper';

@Module({
  imports: [VideosModule, StorageModule],
  controllers: [UploadGrpcController],
  providers: [UploadService, UploadSweeper],
})
export class UploadModule {}
