import { Module } from '@nestjs/common';
import { VideoStorage } from './video-storage';

@Module({
  providers: [VideoStorage],
  exports: [VideoStorage],
})
export class StorageModule {}
