import compress from '@fastify/compress';
import fastifyCors from '@fastify/cors';
import { Inject, Injectable, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { APP_FILTER, APP_PIPE, DiscoveryModule, HttpAdapterHost, ModuleRef } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { registerArtworkBodyParser } from './artwork/artwork-body.parser';
import { HotReads } from './cache/hot-reads';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { HotRouteCheck } from './hot-route-check';
import { registerBodyTimeouts } from './http/body-timeouts';
import { registerConnectionAgeLimit } from './http/connection-age';
import { ConnectionDrain } from './http/connection-drain';
import { corsHeadersWithoutOrigin, corsOptions } from './http/cors';
import { EarlyAnswers } from './http/early-answers';
import { EdgeHooks } from './http/edge-hooks';
import { InputShapePipe } from './http/input-shape.pipe';
import { registerJsonBodyParser } from './http/json-body.parser';
import { registerLingeringClose } from './http/lingering-close';
import { ProblemFilter } from './http/problem.filter';
import { registerRequestHooks } from './http/request-hooks';
import { registerSecurityHeaders, securityHeaders } from './http/security-headers';
import { COMPRESS_THRESHOLD_BYTES } from './http/representation';
import { registerUnreadBodyParser } from './http/unread-body.parser';
import { createValidationPipe } from './http/validation.pipe';
import { HotPlayback } from './videos/hot-playback';
import { registerVideoBodyParser } from './videos/video-body.parser';
import { registerWebApp } from './web/web-app';

/** Injection token: the logger the request hooks write one line per request to. */
export const REQUEST_LOGGER = Symbol('REQUEST_LOGGER');

/**
 * Every Fastify hook, parser and plugin in front of Nest's handlers, in the order they must run.
 * Queued when the module initialises, after Nest has declared its routes: Fastify loads the queue
 * (and gives every route the root hooks) when it gets ready. Nothing here awaits a plugin, which
 * would load the routes early, before Nest sets its error handler that they must carry.
 */
@Injectable()
export class HttpEdge implements OnModuleInit {
  private drain: ConnectionDrain | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(REQUEST_LOGGER) private readonly logger: Logger,
    private readonly modules: ModuleRef,
    private readonly hotRoutes: HotRouteCheck,
  ) {}

  onModuleInit(): void {
    const { config } = this;
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    // Each hook is added through EdgeHooks saying how early answers (12) replay it, or why they
    // need not; start-up fails on any other hook of a hot route.
    const hooks = EdgeHooks.of(fastify);
    // 1. Request id, server span, x-served-by, one log line and one duration sample per request.
    hooks.replayed('replayed: request id, span, x-served-by, log line, duration sample', () =>
      registerRequestHooks(fastify, this.logger),
    );
    // 2. The API takes JSON only: other media types get 415 from Fastify instead of being parsed.
    fastify.removeContentTypeParser(['text/plain']);
    // 3. Video uploads: the raw body reaches the upload routes unread (streamed to the videos service).
    registerVideoBodyParser(fastify);
    // 4. Artwork uploads: the image, whole (it crosses to the videos service in one message).
    registerArtworkBodyParser(fastify);
    // 5. Any other type: unread on the upload routes (their guards answer before their 415), else 415.
    registerUnreadBodyParser(fastify);
    // 6. JSON and RFC 7396 merge patches, within the body limit and a nesting depth.
    registerJsonBodyParser(fastify);
    // 7-9. Connections: closed by age, lingering after an early answer, timed out on slow bodies.
    const pastAge = hooks.replayed('replayed: the connection age limit', () =>
      registerConnectionAgeLimit(fastify, config.HTTP_MAX_CONNECTION_AGE_MS),
    );
    hooks.replayed('bodies only: early answers take requests without one', () => {
      registerLingeringClose(fastify);
      registerBodyTimeouts(fastify, {
        bodyMs: config.HTTP_BODY_TIMEOUT_MS,
        uploadIdleMs: config.HTTP_UPLOAD_IDLE_TIMEOUT_MS,
      });
    });
    // 10. Security headers on every answer.
    const security = securityHeaders(config.PLAYBACK_MEDIA_ORIGIN);
    hooks.replayed('replayed: the security headers', () =>
      registerSecurityHeaders(fastify, security),
    );
    // 11. CORS and compression after the security headers (not app.enableCors, whose hook runs
    // before every plugin's), so a preflight answer carries the security headers too.
    const cors = corsOptions(config.CORS_ORIGINS);
    hooks.plugin(
      'replayed: early answers take requests without an Origin, and send what CORS sends those',
      fastifyCors,
      cors,
    );
    hooks.plugin(
      "replayed: early answers send a representation's own gzip, over the same threshold",
      compress,
      { threshold: COMPRESS_THRESHOLD_BYTES },
    );
    // 12. The hot paths after the security and CORS hooks, so their answers carry those headers;
    // each answers the routes marked @HotRoute for it, and none carries an enhancer it skips.
    // (Each is provided by its feature's module: looked up across modules.)
    this.hotRoutes.refuseUnreplayed();
    const hotReads = this.modules.get(HotReads, { strict: false });
    hooks.replayed('the cached-read hot path: early answers are its first stage', () =>
      hotReads.register(fastify),
    );
    hooks.replayed('answers playback routes only, which early answers never take', () =>
      this.modules.get(HotPlayback, { strict: false }).register(fastify),
    );
    // Last: the web app at `/`, for every path the API does not own.
    registerWebApp(fastify, config.WEB_DIST_DIR);
    // And after every other hook: a stopping replica's answers close their connections.
    const drain = hooks.replayed(
      'replayed: a stopping replica closes connections',
      () => new ConnectionDrain(fastify),
    );
    this.drain = drain;
    // 12, first stage: repeats of cached reads answered on the socket, ahead of Fastify.
    const early = new EarlyAnswers(fastify.server, {
      logger: this.logger,
      trustProxy: Boolean(config.TRUST_PROXY),
      headers: { ...security, ...corsHeadersWithoutOrigin(cors) },
      pastAge,
      draining: () => drain.isDraining,
    });
    early.use(hotReads.early());
    fastify.addHook('onReady', (done) => {
      hooks.refuseUnreplayed();
      this.logger.debug({ hooks: hooks.replayedHooks() }, 'Fastify hooks early answers replay');
      done();
    });
  }

  /** Counts open connections and closes them as they go idle; there once the module is initialised. */
  get connectionDrain(): ConnectionDrain {
    if (!this.drain) throw new Error('the HTTP edge is not initialised yet (app.init())');
    return this.drain;
  }
}

/**
 * The gateway's HTTP pipeline, declared in one place: the Fastify hooks (HttpEdge) and Nest's
 * global filter and pipes as APP_FILTER/APP_PIPE providers, so an application built from
 * AppModule by `Test.createTestingModule(...)` runs the same pipeline as production, overrides
 * included.
 */
@Module({})
export class HttpEdgeModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: HttpEdgeModule,
      imports: [DiscoveryModule],
      providers: [
        // The request line's fields are fixed and flat (its URL's credentials redacted by
        // redactQuery): none of the logger's redaction paths can match them, and pino's redaction
        // tried each path on each field of every line, half of writing one (docs/performance.md).
        { provide: REQUEST_LOGGER, useValue: logger.child({}, { redact: [] }) },
        HttpEdge,
        HotRouteCheck,
        // A provider of its own, so a test can replace it (overrideProvider(ProblemFilter)).
        { provide: ProblemFilter, useFactory: () => new ProblemFilter() },
        { provide: APP_FILTER, useExisting: ProblemFilter },
        // Global pipes run in this order: the input's shape, then each DTO's validation.
        { provide: APP_PIPE, useClass: InputShapePipe },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
