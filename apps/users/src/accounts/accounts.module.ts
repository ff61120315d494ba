import { Module } from '@nestjs/common';
import { ProfilesModule } from '../profiles/profiles.module';
import { TokensModule } from '../tokens/tokens.module';
import type { UsersConfig } from '../config';
import { USERS_CONFIG } from '../users.constants';
import { AccountsGrpcController } from './accounts.grpc-controller';
import { AccountsRepository } from './accounts.repository';
import { AccountsService } from './accounts.service';
import { AdminBootstrap } from './admin-bootstrap';
import { PasswordHasher } from './password-hasher';

@Module({
  imports: [TokensModule, ProfilesModule],
  controllers: [AccountsGrpcController],
  providers: [
    {
      provide: PasswordHasher,
      inject: [USERS_CONFIG],
      useFactory: (config: UsersConfig) =>
        PasswordHasher.create({
          memoryKib: config.ARGON2_MEMORY_KIB,
          timeCost: config.ARGON2_TIME_COST,
        }),
    },
    AccountsRepository,
    AccountsService,
    AdminBootstrap,
  ],
})
export class AccountsModule {}
