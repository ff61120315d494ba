import { Module } from '@nestjs/common';
import { ProfilesGrpcController } from './profiles.grpc-controller';
import { ProfilesRepository } from './profiles.repository';
import { ProfilesService } from './profiles.service';

@Module({
  controllers: [ProfilesGrpcController],
  providers: [ProfilesService, ProfilesRepository],
  exports: [ProfilesRepository],
})
export class ProfilesModule {}
