import { Injectable, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions, type MixedList } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { databaseConnection, type DatabaseSslMode } from '../config/database-tls';
import { laggingDatabaseStream } from '../faults/lagging-socket';
import { CallerGoneError, currentCallerSignal } from '../logging/request-context';
import { DATABASE_PING, type DatabasePing } from '../ops/health-check';
import { runMigrationsLocked } from './migrations';

export interface DatabaseConfig {
  url: string;
  /** DATABASE_SSL_MODE (libpq's meanings); unset: the URL's own sslmode, if any. */
  sslMode?: DatabaseSslMode | undefined;
  /** DATABASE_SSL_CA_FILE: the CA that signed the server's certificate. */
  sslCaFile?: string | undefined;
  /** Pool size. 1 for PGlite, which runs one statement at a time whatever the pool. */
  poolMax: number;
  /** How long to keep retrying the first connection (every 2 s) before start-up fails. */
  connectRetryMs?: number;
  // TypeORM takes migration classes in this shape. No entities: every table is reached by SQL
  // through a repository (see this library's README).
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  /** Run pending migrations on boot, under an advisory lock so replicas may start together. */
  migrationsRun: boolean;
  /** Key of the PostgreSQL advisory lock that serialises migrations of this service. */
  migrationLockKey: number;
  /** FAULT_INJECTION: connections go through the slow-database seam (development only). */
  faultInjection?: boolean;
}

export function dataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  const connection = databaseConnection(config);
  return {
    type: 'postgres',
    url: connection.url,
    ...(connection.ssl === undefined ? {} : { ssl: connection.ssl }),
    migrations: config.migrations,
    migrationsRun: false,
    synchronize: false,
    extra: {
      max: config.poolMax,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      // pg opens each connection's socket with this: the seam `kinema chaos slow-database` uses.
      ...(config.faultInjection ? { stream: laggingDatabaseStream } : {}),
    },
  };
}

/** A service's database settings, as its configuration reads them (grpcServiceConfigShape). */
export interface ServiceDatabaseSettings {
  DATABASE_URL: string;
  DATABASE_SSL_MODE?: DatabaseSslMode | undefined;
  DATABASE_SSL_CA_FILE?: string | undefined;
}

/** Where a service's database is and how to reach it, from its configuration. */
function serviceConnection(
  config: ServiceDatabaseSettings,
): Pick<DatabaseConfig, 'url' | 'sslMode' | 'sslCaFile'> {
  return {
    url: config.DATABASE_URL,
    sslMode: config.DATABASE_SSL_MODE,
    sslCaFile: config.DATABASE_SSL_CA_FILE,
  };
}

/** The rest of a service's configuration that its running database connection reads. */
export interface ServiceDatabaseRuntime extends ServiceDatabaseSettings {
  DATABASE_POOL_MAX: number;
  DATABASE_CONNECT_RETRY_MS: number;
  DATABASE_MIGRATIONS_RUN: boolean;
  FAULT_INJECTION: boolean;
}

/** What a service schema brings: its migrations and the lock that serialises them. */
export type ServiceSchema = Pick<DatabaseConfig, 'migrations' | 'migrationLockKey'>;

/** A service's DatabaseModule settings, from its configuration and its schema. */
export function serviceDatabase(
  config: ServiceDatabaseRuntime,
  schema: ServiceSchema,
): DatabaseConfig {
  return {
    ...serviceConnection(config),
    poolMax: config.DATABASE_POOL_MAX,
    connectRetryMs: config.DATABASE_CONNECT_RETRY_MS,
    migrations: schema.migrations,
    migrationsRun: config.DATABASE_MIGRATIONS_RUN,
    migrationLockKey: schema.migrationLockKey,
    faultInjection: config.FAULT_INJECTION,
  };
}

/**
 * A one-connection DataSource on a service's own database, with its migrations, for a command or
 * job run beside the service (PGlite takes one connection at a time); not yet initialised.
 */
export function jobDataSource(config: ServiceDatabaseSettings, schema: ServiceSchema): DataSource {
  return new DataSource(
    dataSourceOptions({
      ...serviceConnection(config),
      poolMax: 1,
      migrations: schema.migrations,
      migrationsRun: false,
      migrationLockKey: schema.migrationLockKey,
    }),
  );
}

@Injectable()
class MigrationsOnBoot implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: DatabaseConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.migrationsRun)
      await runMigrationsLocked(this.dataSource, this.config.migrationLockKey);
  }
}

/**
 * Work queued for a connection on behalf of a caller that has since gone (its gRPC call cancelled,
 * or past its deadline) is not started: checked when the query asks for a connection and again
 * once it has one, so the wait in the pool's queue (PGlite: one connection) is what it skips. A
 * transaction already holding its connection finishes; work outside any call (the outbox relay,
 * migrations, health checks) has no caller and is never stopped. The pool is TypeORM's; its
 * driver's `obtainMasterConnection` is where every query runner asks for a connection.
 */
export function guardAbandonedQueries(dataSource: DataSource): void {
  const driver = dataSource.driver as PostgresDriver;
  const obtain = driver.obtainMasterConnection.bind(driver);
  driver.obtainMasterConnection = async () => {
    const signal = currentCallerSignal();
    if (signal?.aborted) throw new CallerGoneError();
    const [connection, release] = await obtain();
    if (signal?.aborted) {
      (release as () => void)();
      throw new CallerGoneError();
    }
    return [connection, release];
  };
}

const CONNECT_RETRY_DELAY_MS = 2_000;

/** TypeORM on PostgreSQL with Kinema's rules: never synchronize, migrations under a lock. */
@Module({})
export class DatabaseModule {
  static forRoot(config: DatabaseConfig): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRoot({
          ...dataSourceOptions(config),
          // @nestjs/typeorm counts the first try among retryAttempts: one more than the delays
          // that fit makes the tries span connectRetryMs.
          retryAttempts: Math.ceil((config.connectRetryMs ?? 10_000) / CONNECT_RETRY_DELAY_MS) + 1,
          retryDelay: CONNECT_RETRY_DELAY_MS,
        }),
      ],
      providers: [
        {
          provide: DATABASE_PING,
          useFactory:
            (ds: DataSource): DatabasePing =>
            () =>
              ds.query('SELECT 1'),
          inject: [DataSource],
        },
        {
          // Nothing injects it: Nest makes every provider at start, which installs the guard.
          provide: 'DatabaseModule.abandonedQueryGuard',
          useFactory: (ds: DataSource) => {
            guardAbandonedQueries(ds);
            return true;
          },
          inject: [DataSource],
        },
        {
          provide: MigrationsOnBoot,
          useFactory: (ds: DataSource) => new MigrationsOnBoot(ds, config),
          inject: [DataSource],
        },
      ],
    };
  }
}
