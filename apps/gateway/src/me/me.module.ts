import { Module } from '@nestjs/common';
import { LibraryController } from './library.controller';
import { MeController } from './me.controller';
import { ProfileTitles } from './profile-titles.service';
import { ProfilesController } from './profiles.controller';
import { ViewingProfiles } from './viewing-profiles.service';

/** The signed-in account: itself, its profiles and each profile's list and progress. */
@Module({
  controllers: [MeController, ProfilesController, LibraryController],
  providers: [ViewingProfiles, ProfileTitles],
  exports: [ViewingProfiles, ProfileTitles],
})
export class MeModule {}
