import compress from '@fastify/compress';
import helmet from '@fastify/helmet';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  acceptRequestId,
  collectProcessMetrics,
  createLogger,
  Lifecycle,
  PinoNestLogger,
} from '@kinema/platform';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import type { GatewayConfig } from './config';
import { mountDocs } from './http/openapi';
import { ProblemFilter } from './http/problem.filter';
import { registerRequestHooks } from './http/request-hooks';
import { createValidationPipe } from './http/validation.pipe';
import { registerVideoBodyParser } from './videos/video-body.parser';

export interface RunningGateway {
  app: NestFastifyApplication;
  logger: Logger;
  port: number;
  drain(): void;
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
    // Query strings longer than this are refused before any parsing work.
    maxParamLength: 200,
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
  // RFC 7396 merge patches are JSON; parse them like JSON.
  fastify.addContentTypeParser(
    'application/merge-patch+json',
    { parseAs: 'string' },
    fastify.getDefaultJsonParser('error', 'error'),
  );
  await app.register(helmet, {
    // Swagger UI needs inline scripts and styles; the API itself only returns JSON.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  });
  await app.register(compress, { threshold: 1024 });
  app.enableCors({
    origin: config.CORS_ORIGINS.includes('*') ? true : config.CORS_ORIGINS,
    exposedHeaders: ['etag', 'location', 'retry-after', 'x-request-id', 'x-served-by'],
  });
  app.setGlobalPrefix('api/v1', { exclude: ['healthz', 'readyz', 'metrics'] });
  app.useGlobalFilters(new ProblemFilter());
  app.useGlobalPipes(createValidationPipe());
  if (config.DOCS_ENABLED) mountDocs(app);
  return app;
}

/** Starts the gateway and marks it ready. */
export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const logger = createLogger('gateway', config.LOG_LEVEL);
  collectProcessMetrics('gateway');
  const app = await createGatewayApp(config, logger);
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.HTTP_PORT;
  const lifecycle = app.get(Lifecycle);
  lifecycle.setReady(true);
  logger.info({ port }, 'gateway listening');
  return { app, logger, port, drain: () => lifecycle.setReady(false) };
}
