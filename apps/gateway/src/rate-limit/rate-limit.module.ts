import {
  Global,
  Logger,
  Module,
  type ExecutionContext,
  type OnModuleDestroy,
} from '@nestjs/common';
import {
  getStorageToken,
  ThrottlerModule,
  type ThrottlerOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { OpsController } from '@kinema/platform/ops';
import type { FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import { principalOf } from '../viewer/principal';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { BatchedRedisStorage } from './batched-redis-storage';
import { addressTracker } from './client-network';
import { FailedAuthentication } from './failed-authentication';
import { AUTH_RATE_LIMIT_KEY } from './rate-limit.decorator';
import { budgetTracker, limiterKey, RequestBudget, REQUESTS_LIMIT } from './request-budget';
import { SlidingWindowStorage } from './sliding-window-storage';

const limiterLog = new Logger('RateLimit');

/** Owns the limiter's Redis connection (when there is one) so shutdown closes it. */
export class LimiterRedis implements OnModuleDestroy {
  constructor(readonly client: Redis | undefined) {}
  async onModuleDestroy(): Promise<void> {
    await this.client?.quit().catch(() => this.client?.disconnect());
  }
}

function isAuthRoute(context: ExecutionContext): boolean {
  return (
    Reflect.getMetadata(AUTH_RATE_LIMIT_KEY, context.getHandler()) === true ||
    Reflect.getMetadata(AUTH_RATE_LIMIT_KEY, context.getClass()) === true
  );
}

function requestOf(context: ExecutionContext): FastifyRequest {
  return context.switchToHttp().getRequest<FastifyRequest>();
}

function emailOf(request: FastifyRequest): string | undefined {
  const body: unknown = request.body;
  if (typeof body !== 'object' || body === null) return undefined;
  const email = (body as { email?: unknown }).email;
  // Normalised as the users service does, so `A@x.io ` and `a@x.io` share one budget.
  return typeof email === 'string' && email.length <= 320 ? email.trim().toLowerCase() : undefined;
}

/**
 * The limits: on sign-in, tight per IP and per email from one IP, with a looser ceiling per email
 * from all IPs (a stranger failing to sign in as someone cannot lock the owner out: the owner's
 * own address has its own budget, and only a crowd of addresses reaches the ceiling); loose per
 * account everywhere else.
 */
export function throttlers(config: GatewayConfig): ThrottlerOptions[] {
  const authWindowMs = config.RATE_LIMIT_AUTH_WINDOW_SECONDS * 1000;
  return [
    {
      name: 'auth-ip',
      limit: config.RATE_LIMIT_AUTH_PER_IP,
      ttl: authWindowMs,
      skipIf: (context) => !isAuthRoute(context),
      getTracker: (_request, context) => addressTracker(requestOf(context).ip),
    },
    {
      name: 'auth-email',
      limit: config.RATE_LIMIT_AUTH_PER_EMAIL,
      ttl: authWindowMs,
      skipIf: (context) => !isAuthRoute(context) || emailOf(requestOf(context)) === undefined,
      getTracker: (_request, context) => {
        const request = requestOf(context);
        return `email:${emailOf(request) ?? ''} ${addressTracker(request.ip)}`;
      },
    },
    {
      name: 'auth-email-all',
      limit: config.RATE_LIMIT_AUTH_PER_EMAIL_ALL_SOURCES,
      ttl: authWindowMs,
      skipIf: (context) => !isAuthRoute(context) || emailOf(requestOf(context)) === undefined,
      getTracker: (_request, context) => `email:${emailOf(requestOf(context)) ?? ''}`,
    },
    {
      name: REQUESTS_LIMIT,
      limit: config.RATE_LIMIT_REQUESTS,
      ttl: config.RATE_LIMIT_WINDOW_SECONDS * 1000,
      skipIf: (context) => isAuthRoute(context) || context.getClass() === OpsController,
      // Runs after the auth guard: a signed-in caller is counted by account, whatever its IP.
      getTracker: (_request, context) => {
        const request = requestOf(context);
        return budgetTracker(request.ip, principalOf(request));
      },
    },
  ];
}

/** The limiter's Redis connection, when REDIS_URL is set. */
@Module({
  providers: [
    {
      provide: LimiterRedis,
      inject: [GATEWAY_CONFIG],
      useFactory: (config: GatewayConfig) =>
        new LimiterRedis(
          config.REDIS_URL
            ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: false })
            : undefined,
        ),
    },
  ],
  exports: [LimiterRedis],
})
class LimiterRedisModule {}

/**
 * @nestjs/throttler with its state in Redis when REDIS_URL is set (every replica shares it; the
 * per-caller request budget is reconciled in batches, see BatchedRedisStorage) and in this
 * process's memory otherwise. Keys name the limit and a hash of who is counted (never an
 * email in clear), not the route: the per-account budget spans every route.
 */
@Global()
@Module({
  imports: [
    LimiterRedisModule,
    ThrottlerModule.forRootAsync({
      imports: [LimiterRedisModule],
      inject: [LimiterRedis, GATEWAY_CONFIG],
      useFactory: (redis: LimiterRedis, config: GatewayConfig) => ({
        throttlers: throttlers(config),
        setHeaders: false,
        generateKey: (_context: ExecutionContext, tracker: string, name: string) =>
          limiterKey(config.RATE_LIMIT_REDIS_PREFIX, name, tracker),
        storage: redis.client
          ? new BatchedRedisStorage(redis.client, {
              batched: (name) => name === REQUESTS_LIMIT,
              onError: (error) =>
                limiterLog.warn(
                  `rate limiter: Redis write failed, counting locally: ${String(error)}`,
                ),
            })
          : new SlidingWindowStorage(),
      }),
    }),
  ],
  providers: [
    {
      provide: RequestBudget,
      inject: [getStorageToken(), GATEWAY_CONFIG],
      useFactory: (storage: ThrottlerStorage, config: GatewayConfig) =>
        new RequestBudget(storage, {
          prefix: config.RATE_LIMIT_REDIS_PREFIX,
          limit: config.RATE_LIMIT_REQUESTS,
          windowMs: config.RATE_LIMIT_WINDOW_SECONDS * 1000,
        }),
    },
    {
      provide: FailedAuthentication,
      inject: [getStorageToken(), GATEWAY_CONFIG],
      useFactory: (storage: ThrottlerStorage, config: GatewayConfig) =>
        new FailedAuthentication(storage, {
          limit: config.RATE_LIMIT_AUTH_PER_IP,
          windowMs: config.RATE_LIMIT_AUTH_WINDOW_SECONDS * 1000,
          keyPrefix: config.RATE_LIMIT_REDIS_PREFIX,
        }),
    },
  ],
  exports: [ThrottlerModule, FailedAuthentication, RequestBudget],
})
export class RateLimitModule {}
