import { Module, type OnModuleDestroy } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { Redis } from 'ioredis';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { IDEMPOTENCY_STORE, IdempotencyInterceptor } from './idempotency.interceptor';
import { MemoryIdempotencyStore, RedisIdempotencyStore } from './idempotency-store';

/**
 * Keys a gateway without Redis remembers, and the bytes their answers may hold; past either bound
 * the oldest are forgotten first.
 */
const MEMORY_MAX_KEYS = 10_000;
const MEMORY_MAX_BYTES = 16 * 1024 * 1024;

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
@Module({
  providers: [
    {
      provide: IdempotencyRedis,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        new IdempotencyRedis(
          config.REDIS_URL ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1 }) : undefined,
        ),
    },
    {
      provide: IDEMPOTENCY_STORE,
      inject: [IdempotencyRedis, GATEWAY_CONFIG],
      useFactory: (redis: IdempotencyRedis, config: GatewayConfig) =>
        redis.client
          ? new RedisIdempotencyStore(redis.client, config.IDEMPOTENCY_REDIS_PREFIX)
          : new MemoryIdempotencyStore(MEMORY_MAX_KEYS, MEMORY_MAX_BYTES),
    },
    { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
  ],
})
export class IdempotencyModule {}
