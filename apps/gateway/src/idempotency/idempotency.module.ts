import { Module, type DynamicModule, type OnModuleDestroy } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { Redis } from 'ioredis';
import type { GatewayConfig } from '../config';
import {
  IDEMPOTENCY_OPTIONS,
  IDEMPOTENCY_STORE,
  IdempotencyInterceptor,
  type IdempotencyOptions,
} from './idempotency.interceptor';
import { MemoryIdempotencyStore, RedisIdempotencyStore } from './idempotency-store';

export type IdempotencyConfig = Pick<
  GatewayConfig,
  'REDIS_URL' | 'IDEMPOTENCY_REDIS_PREFIX' | 'GRPC_DEADLINE_MS'
>;

/** Keys a gateway without Redis remembers; past this the oldest are forgotten first. */
const MEMORY_MAX_KEYS = 10_000;

/** Owns the store's Redis connection (when there is one) so shutdown closes it. */
class IdempotencyRedis implements OnModuleDestroy {
  constructor(readonly client: Redis | undefined) {}
  async onModuleDestroy(): Promise<void> {
    await this.client?.quit().catch(() => this.client?.disconnect());
  }
}

/**
 * Idempotency-Key for the routes marked @Idempotent(): answers kept in Redis when REDIS_URL is
 * set (a retry reaching another replica is answered the same), in this process's memory otherwise.
 */
@Module({})
export class IdempotencyModule {
  static forRoot(config: IdempotencyConfig): DynamicModule {
    const options: IdempotencyOptions = {
      // A handler makes its calls within a few deadlines; a replica that dies mid-request frees
      // its keys this long after.
      pendingMs: 2 * config.GRPC_DEADLINE_MS + 10_000,
    };
    return {
      module: IdempotencyModule,
      providers: [
        {
          provide: IdempotencyRedis,
          useFactory: () =>
            new IdempotencyRedis(
              config.REDIS_URL
                ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1 })
                : undefined,
            ),
        },
        {
          provide: IDEMPOTENCY_STORE,
          inject: [IdempotencyRedis],
          useFactory: (redis: IdempotencyRedis) =>
            redis.client
              ? new RedisIdempotencyStore(redis.client, config.IDEMPOTENCY_REDIS_PREFIX)
              : new MemoryIdempotencyStore(MEMORY_MAX_KEYS),
        },
        { provide: IDEMPOTENCY_OPTIONS, useValue: options },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
