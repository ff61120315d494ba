import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import type { FastifyContextConfig, FastifyRequest } from 'fastify';

/**
 * The hot paths: `cached-read` answers repeats of a cached representation (HotReads),
 * `playback` answers range requests of a player with a grant (HotPlayback).
 */
export type HotPath = 'cached-read' | 'playback';

/** A raw body a route takes: a video, streamed unread; an image, read whole. */
export type UploadKind = 'video' | 'image';

declare module 'fastify' {
  interface FastifyContextConfig {
    hotPath?: HotPath;
    upload?: UploadKind;
  }
}

/** What a gateway route declares about itself for the hooks and parsers in front of Nest. */
export type GatewayRouteConfig = Pick<FastifyContextConfig, 'hotPath' | 'upload'>;

/**
 * Adds to the Fastify route config of a handler (what @RouteConfig sets, merged rather than
 * replaced), so Fastify hands it to every hook and parser as `request.routeOptions.config`.
 */
function routeConfig(part: GatewayRouteConfig): MethodDecorator {
  return (_target, _key, descriptor) => {
    const handler = descriptor.value as object;
    const config = routeConfigOfHandler(handler);
    Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...config, ...part }, handler);
    return descriptor;
  };
}

/**
 * Marks a route as answered by a hot path before Nest's pipeline when the hot path can; start-up
 * refuses the route if it carries an enhancer the hot path does not replay (hot-route-check.ts).
 */
export function HotRoute(path: HotPath): MethodDecorator {
  return routeConfig({ hotPath: path });
}

/** Marks a route as taking a raw body of this kind (the body parsers and timeouts read it). */
export function UploadRoute(kind: UploadKind): MethodDecorator {
  return routeConfig({ upload: kind });
}

/** What the route a request matched declares (nothing for a request no route matched). */
export function routeConfigOf(request: FastifyRequest): GatewayRouteConfig {
  return request.routeOptions.config ?? {};
}

/** What a controller method declares, read from its metadata. */
export function routeConfigOfHandler(handler: object): GatewayRouteConfig {
  return (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) as GatewayRouteConfig) ?? {};
}
