import compress from '@fastify/compress';
import cors from '@fastify/cors';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { acceptRequestId, createLogger, PinoNestLogger } from '@kinema/platform/logging';
import { collectProcessMetrics, Lifecycle, serveMetrics } from '@kinema/platform/ops';
import type { Listeners } from '@kinema/contracts';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { HotReads } from './cache/hot-reads';
import type { GatewayConfig } from './config';
import { registerConnectionAgeLimit } from './http/connection-age';
import { ConnectionDrain } from './http/connection-drain';
import { serveHandedConnections } from './http/handed-connections';
import { corsOptions } from './http/cors';
import { answerClientError, answerFrameworkError } from './http/edge-errors';
import { InputShapePipe } from './http/input-shape.pipe';
import { registerJsonBodyParser } from './http/json-body.parser';
import { registerLingeringClose } from './http/lingering-close';
import { registerBodyTimeouts } from './http/body-timeouts';
import { mountDocs } from './http/openapi';
import { ProblemFilter } from './http/problem.filter';
import { registerRequestHooks } from './http/request-hooks';
import { registerSecurityHeaders } from './http/security-headers';
import { registerUnreadBodyParser } from './http/unread-body.parser';
import { isArtworkUploadRoute, registerArtworkBodyParser } from './artwork/artwork-body.parser';
import { createValidationPipe } from './http/validation.pipe';
import { HotPlayback } from './videos/hot-playback';
import { isVideoUploadRoute, registerVideoBodyParser } from './videos/video-body.parser';
import { registerWebApp } from './web/web-app';

export interface RunningGateway {
  app: NestFastifyApplication;
  logger: Logger;
  port: number;
  listeners: Listeners;
  drain(): Promise<void>;
}

/** Builds the gateway's Nest application (not yet listening). Tests use it to inspect routes. */
export async function createGatewayApp(
  config: GatewayConfig,
  logger: Logger,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    trustProxy: config.TRUST_PROXY,
    bodyLimit: config.BODY_LIMIT_BYTES,
    genReqId: (request: IncomingMessage) => acceptRequestId(request.headers['x-request-id']),
    // A path parameter (an id) longer than this names nothing: a 404 before any handler work.
    routerOptions: { maxParamLength: 200 },
    // Errors met before any hook runs answer problem+json with the security headers too.
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new PinoNestLogger(logger),
    // Nest would add a urlencoded form parser; the API accepts JSON only (Fastify's own parser).
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  registerRequestHooks(fastify, logger);
  // The API takes JSON only: other media types get 415 from Fastify instead of being parsed.
  fastify.removeContentTypeParser(['text/plain']);
  // Video uploads: the raw body reaches the upload routes unread (streamed to the videos service).
  registerVideoBodyParser(fastify);
  // Artwork uploads: the image, whole (it crosses to the videos service in one message).
  registerArtworkBodyParser(fastify);
  // Any other type: unread on the upload routes (their guards answer before their 415), else 415.
  registerUnreadBodyParser(
    fastify,
    (route) => isVideoUploadRoute(route) || isArtworkUploadRoute(route),
  );
  // JSON and RFC 7396 merge patches, within the body limit and a nesting depth.
  registerJsonBodyParser(fastify);
  registerConnectionAgeLimit(fastify, config.HTTP_MAX_CONNECTION_AGE_MS);
  registerLingeringClose(fastify);
  registerBodyTimeouts(fastify, {
    bodyMs: config.HTTP_BODY_TIMEOUT_MS,
    uploadIdleMs: config.HTTP_UPLOAD_IDLE_TIMEOUT_MS,
  });
  registerSecurityHeaders(fastify, config.PLAYBACK_MEDIA_ORIGIN);
  // Registered after the security headers (not with app.enableCors, whose hook runs before every
  // plugin's), so
  // a preflight answer carries the security headers too.
  await app.register(cors, corsOptions(config.CORS_ORIGINS));
  await app.register(compress, { threshold: 1024 });
  // After the security and CORS hooks, so answers from the hot path carry their headers too.
  app.get(HotReads).register(fastify);
  app.get(HotPlayback).register(fastify);
  await registerWebApp(fastify, config.WEB_DIST_DIR);
  app.setGlobalPrefix('api/v1', { exclude: ['healthz', 'readyz', 'metrics'] });
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalPipes(new InputShapePipe(), createValidationPipe());
  if (config.DOCS_ENABLED) mountDocs(app);
  return app;
}

/** Starts the gateway and marks it ready. */
export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const logger = createLogger('gateway', config.LOG_LEVEL);
  collectProcessMetrics('gateway');
  const app = await createGatewayApp(config, logger);
  const drain = new ConnectionDrain(app.getHttpAdapter().getInstance());
  await app.listen({ port: config.HTTP_PORT, host: config.HTTP_HOST });
  serveHandedConnections(app.getHttpServer());
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.HTTP_PORT;
  const ops = await serveMetrics(config.OPS_PORT, config.OPS_HOST);
  app.getHttpServer().once('close', () => ops.server.close());
  const lifecycle = app.get(Lifecycle);
  lifecycle.setReady(true);
  logger.info({ port, opsPort: ops.port }, 'gateway listening');
  return {
    app,
    logger,
    port,
    listeners: { http: port, ops: ops.port },
    drain: async () => {
      lifecycle.setReady(false);
      // Most of the shutdown budget; app.close() then cuts whatever is still open.
      await drain.drain(app.getHttpServer(), config.SHUTDOWN_TIMEOUT_MS * 0.8);
      logger.info({ left: drain.openConnections }, 'gateway drained');
    },
  };
}
