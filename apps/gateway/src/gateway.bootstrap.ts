import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { NestApplicationOptions } from '@nestjs/common';
import { createLogger, PinoNestLogger } from '@kinema/platform/logging';
import { collectProcessMetrics, Lifecycle, serveMetrics } from '@kinema/platform/ops';
import { OPS_ROUTES, type Listeners } from '@kinema/contracts';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { HttpEdge } from './http-edge.module';
import type { GatewayConfig } from './config';
import { EdgeHooks } from './http/edge-hooks';
import { requestIdOf } from './http/early-answers';
import { serveHandedConnections } from './http/handed-connections';
import { answerClientError, answerFrameworkError } from './http/edge-errors';
import { parseQueryString } from './http/query-string';
import { RouteMethods } from './http/route-methods';
import { mountDocs } from './http/openapi';

export interface RunningGateway {
  app: NestFastifyApplication;
  logger: Logger;
  port: number;
  listeners: Listeners;
  drain(): Promise<void>;
}

/** The longest path parameter the router takes (Fastify's `maxParamLength`). */
const MAX_PARAM_LENGTH = 200;

/** Fastify's server options: they exist before any module does, so no module can declare them. */
export function gatewayAdapter(config: GatewayConfig): FastifyAdapter {
  const adapter = new FastifyAdapter({
    trustProxy: config.TRUST_PROXY,
    bodyLimit: config.BODY_LIMIT_BYTES,
    // A caller's x-request-id, or the one an early answer gave a request it left to Fastify.
    genReqId: requestIdOf,
    // A path parameter (an id) longer than this names nothing: a 404 before any handler work.
    // A broken percent-encoding in the query is a 400 naming the parameter (InputShapePipe).
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH, querystringParser: parseQueryString },
    // Errors met before any hook runs answer problem+json with the security headers too.
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    // No Nest middleware: the edge is Fastify hooks (HttpEdge). Without this Nest registers
    // @fastify/middie, whose hook runs for every request with nothing to run; a middleware added
    // later fails the start (the adapter has no `use`) rather than being skipped by a hot path.
    skipMiddie: true,
  });
  // Every hook added from here on is checked against what early answers replay (HttpEdge).
  EdgeHooks.watch(adapter.getInstance());
  // Every route made from here on: a request no route takes is a 405 where others take the path.
  RouteMethods.watch(adapter.getInstance(), { maxParamLength: MAX_PARAM_LENGTH });
  return adapter;
}

export function gatewayAppOptions(logger: Logger): NestApplicationOptions {
  return {
    logger: new PinoNestLogger(logger),
    // Nest would add a urlencoded form parser; the API accepts JSON only (Fastify's own parser).
    bodyParser: false,
  };
}

/**
 * What is set on the application rather than declared by a module: the API's URL prefix and the
 * OpenAPI document (built from the application's routes). Everything else, the hooks, filter and
 * pipes included, comes from AppModule (HttpEdgeModule).
 */
export function finishGatewayApp(
  app: NestFastifyApplication,
  config: GatewayConfig,
): NestFastifyApplication {
  app.setGlobalPrefix('api/v1', { exclude: [...OPS_ROUTES] });
  if (config.DOCS_ENABLED) mountDocs(app);
  return app;
}

/** Builds the gateway's Nest application (not yet initialised nor listening). */
export async function createGatewayApp(
  config: GatewayConfig,
  logger: Logger,
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, logger),
    gatewayAdapter(config),
    gatewayAppOptions(logger),
  );
  return finishGatewayApp(app, config);
}

/** Starts the gateway and marks it ready. */
export async function startGateway(config: GatewayConfig): Promise<RunningGateway> {
  const logger = createLogger('gateway', config.LOG_LEVEL);
  collectProcessMetrics('gateway');
  const app = await createGatewayApp(config, logger);
  await app.listen({ port: config.HTTP_PORT, host: config.HTTP_HOST });
  const drain = app.get(HttpEdge).connectionDrain;
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
