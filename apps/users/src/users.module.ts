import { TOPICS } from '@kinema/contracts';
import {
  DatabaseModule,
  FaultInjectionModule,
  kafkaClientConfig,
  MessagingModule,
  OpsModule,
  serviceDatabase,
} from '@kinema/platform';
import { Module, type DynamicModule } from '@nestjs/common';
import { AccountsModule } from './accounts/accounts.module';
import type { UsersConfig } from './config';
import { LibraryModule } from './library/library.module';
import { usersMigrations } from './migrations';
import { ProfilesModule } from './profiles/profiles.module';
import { USERS_CONFIG, USERS_EVENT_SOURCE, USERS_MIGRATION_LOCK_KEY } from './users.constants';

@Module({})
export class UsersModule {
  static forRoot(config: UsersConfig): DynamicModule {
    return {
      module: UsersModule,
      imports: [
        DatabaseModule.forRoot(
          serviceDatabase(config, {
            migrations: usersMigrations,
            migrationLockKey: USERS_MIGRATION_LOCK_KEY,
          }),
        ),
        OpsModule.forRoot({ database: true }),
        FaultInjectionModule.forRoot({
          service: 'users',
          enabled: config.FAULT_INJECTION,
          logLevel: config.LOG_LEVEL,
        }),
        MessagingModule.forRoot({
          service: 'users',
          logLevel: config.LOG_LEVEL,
          kafka: kafkaClientConfig(config, 'users'),
          source: USERS_EVENT_SOURCE,
          topics: [TOPICS.usersAccounts, TOPICS.usersPlayback],
          partitions: config.KAFKA_PARTITIONS,
          processedEventsRetentionMs: config.PROCESSED_EVENTS_RETENTION_MS,
        }),
        AccountsModule,
        ProfilesModule,
        LibraryModule,
      ],
      // Global so feature modules can inject the config without importing the root module.
      global: true,
      providers: [{ provide: USERS_CONFIG, useValue: config }],
      exports: [USERS_CONFIG],
    };
  }
}
