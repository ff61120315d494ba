import { Module } from '@nestjs/common';
import { TitlesGrpcController } from './titles.grpc-controller';
import { TitlesReadRepository } from './titles-read.repository';
import { TitlesService } from './titles.service';
import { TitlesWriteRepository } from './titles-write.repository';
import { TitleEventsPublisher } from './title-events.publisher';

@Module({
  controllers: [TitlesGrpcController],
  providers: [TitlesService, TitlesReadRepository, TitlesWriteRepository, TitleEventsPublisher],
  // The event consumers and the demo seeder read and write titles, and publish their changes,
  // the same way edits do.
  exports: [TitlesReadRepository, TitlesWriteRepository, TitleEventsPublisher],
})
export class TitlesModule {}
