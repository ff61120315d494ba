import { Module } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { UsersClient } from '../users/users.client';
import { ViewingProfiles } from './viewing-profiles.service';

/**
 * Who is calling: the profile a request browses as and its ceiling. Below every feature that
 * personalises an answer (UsersGrpcModule, global, gives it the users client).
 */
@Module({
  providers: [
    {
      provide: ViewingProfiles,
      inject: [UsersClient, GATEWAY_CONFIG],
      // A profile is trusted as long as a session (SESSION_CHECK_CACHE_MS).
      useFactory: (users: UsersClient, config: GatewayConfig) =>
        new ViewingProfiles(users, config.SESSION_CHECK_CACHE_MS),
    },
  ],
  exports: [ViewingProfiles],
})
export class ViewerModule {}
