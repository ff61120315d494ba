import { Module } from '@nestjs/common';
import { ViewingProfiles } from './viewing-profiles.service';

/**
 * Who is calling: the profile a request browses as and its ceiling. Below every feature that
 * personalises an answer (UsersGrpcModule and AuthModule, global, give it the users client and
 * the session trust).
 */
@Module({
  providers: [ViewingProfiles],
  exports: [ViewingProfiles],
})
export class ViewerModule {}
