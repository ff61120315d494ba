import { Injectable, RequestMethod, ValidationPipe, type Type } from '@nestjs/common';
import {
  EXCEPTION_FILTERS_METADATA,
  GUARDS_METADATA,
  INTERCEPTORS_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
  PIPES_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants';
import {
  DiscoveryService,
  MetadataScanner,
  ModuleRef,
  Reflector,
  type NestContainer,
} from '@nestjs/core';
import type { ApplicationConfig } from '@nestjs/core/application-config';
import type { AccessLevel } from './auth/access-level.decorator';
import { AuthGuard, routeAccessLevel, type RouteHandler } from './auth/auth.guard';
import { InputShapePipe } from './http/input-shape.pipe';
import { ProblemFilter } from './http/problem.filter';
import { routeConfigOfHandler, type HotPath } from './http/route-config';
import { UndeclaredInputGuard } from './http/undeclared-input.guard';
import { UuidPipe } from './http/uuid.pipe';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { isIdempotentRoute } from './idempotency/idempotent.decorator';
import { RateLimitGuard } from './rate-limit/rate-limit.guard';

/** A route marked @HotRoute, as its controller declares it. */
export interface HotRouteDeclaration {
  /** `GET /api/v1/titles (TitlesController.list)`: what an error names. */
  name: string;
  hotPath: HotPath;
  method: string;
  access: AccessLevel;
  idempotent: boolean;
}

/** How the hot paths do what one of the pipeline's enhancers does. */
interface Replay {
  how: string;
  /** Whether a subclass counts as the class (by default only the class itself does). */
  subclasses?: boolean;
  /** Why a route's hot path cannot replay it after all, when it cannot. */
  unless?: (route: HotRouteDeclaration) => string | undefined;
}

const VALIDATION: Replay = {
  how:
    'a cached read answers only a URL the pipeline validated; playback checks its ids (UUIDs) ' +
    'and verifies its grant, and leaves anything else to the pipeline',
};

type EnhancerClass = abstract new (...args: never[]) => unknown;

/**
 * Every enhancer of Nest's pipeline the hot paths replay, and how: the one list. A hot route that
 * carries any other guard, interceptor, pipe or filter (global, on its controller, on the method
 * or on a parameter) is refused at start-up, as the hot path would answer without it.
 */
export const HOT_PATH_REPLAYS: ReadonlyMap<EnhancerClass, Replay> = new Map<EnhancerClass, Replay>([
  [
    AuthGuard,
    {
      how:
        'the caller is authenticated (token, session, profile) as the guard does it; a cached ' +
        'read answers only a kind of viewer (role, ceiling) the pipeline answered for the URL',
      unless: (route) =>
        route.hotPath === 'playback' && route.access !== 'optional' && route.access !== 'public'
          ? `its access level is '${route.access}', and the playback hot path answers grant ` +
            'holders, who send no token'
          : undefined,
    },
  ],
  [
    RateLimitGuard,
    { how: "the request is counted against the caller's budget as the guard counts it" },
  ],
  [InputShapePipe, VALIDATION],
  [ValidationPipe, VALIDATION],
  [UuidPipe, VALIDATION],
  [UndeclaredInputGuard, VALIDATION],
  [
    ProblemFilter,
    {
      // A test may replace the filter by a subclass (overrideProvider(ProblemFilter)).
      how: "its own problems are answered by ProblemFilter's answer, in the same shape",
      subclasses: true,
    },
  ],
  [
    IdempotencyInterceptor,
    {
      how: 'nothing to replay: it acts only on routes marked @Idempotent()',
      unless: (route) => (route.idempotent ? 'the route is marked @Idempotent()' : undefined),
    },
  ],
]);

/** An enhancer found on a route, and where it was declared. */
interface Found {
  enhancer: unknown;
  where: string;
}

const KINDS = [
  { metadata: GUARDS_METADATA, decorator: '@UseGuards' },
  { metadata: INTERCEPTORS_METADATA, decorator: '@UseInterceptors' },
  { metadata: PIPES_METADATA, decorator: '@UsePipes' },
  { metadata: EXCEPTION_FILTERS_METADATA, decorator: '@UseFilters' },
] as const;

/**
 * Refuses, at start-up, a route marked @HotRoute that its hot path would answer differently
 * from the pipeline: one that carries an enhancer not in HOT_PATH_REPLAYS (or one its hot path
 * cannot replay there), or that answers anything but GET and HEAD.
 */
@Injectable()
export class HotRouteCheck {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly modules: ModuleRef,
    private readonly reflector: Reflector,
  ) {}

  /** Throws one error naming every hot route and the enhancer it may not carry. */
  refuseUnreplayed(): void {
    const config = this.applicationConfig();
    const globals = globalEnhancers(config);
    const refusals: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      for (const key of this.scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, object>)[key];
        const { hotPath } = routeConfigOfHandler(handler);
        if (!hotPath) continue;
        const route = declaration(
          controller,
          key,
          handler,
          hotPath,
          config.getGlobalPrefix(),
          this.reflector,
        );
        if (route.method !== 'GET' && route.method !== 'HEAD') {
          refusals.push(`${route.name}: a hot path answers GET and HEAD only`);
        }
        for (const { enhancer, where } of [...globals, ...ownEnhancers(controller, key, handler)]) {
          const type = classOf(enhancer);
          const replay = type && replayOf(type);
          const name = type?.name || 'an anonymous enhancer';
          if (!replay) {
            refusals.push(
              `${route.name} carries ${name} (${where}), which the ${hotPath} hot path does not ` +
                'replay',
            );
            continue;
          }
          const reason = replay.unless?.(route);
          if (reason) refusals.push(`${route.name} carries ${name} (${where}), but ${reason}`);
        }
      }
    }
    if (refusals.length > 0) {
      const list = refusals.map((refusal) => `\n- ${refusal}`).join('');
      throw new Error(
        "Refusing to start: hot routes would be answered without part of Nest's pipeline:" +
          `${list}\nReplay the enhancer in the hot path and list it in HOT_PATH_REPLAYS ` +
          '(apps/gateway/src/hot-route-check.ts), or take @HotRoute off the route.',
      );
    }
  }

  /**
   * Where Nest keeps the global enhancers (APP_* providers and useGlobal*()): not a provider, but
   * the container every module reference holds.
   */
  private applicationConfig(): ApplicationConfig {
    const { container } = this.modules as unknown as { container: NestContainer };
    const config = container.applicationConfig;
    if (!config) throw new Error('the Nest container has no application config');
    return config;
  }
}

function globalEnhancers(config: ApplicationConfig): Found[] {
  const all: Array<[readonly unknown[], string]> = [
    [config.getGlobalGuards(), 'global, APP_GUARD or useGlobalGuards'],
    [config.getGlobalRequestGuards().map((w) => w.metatype), 'global, APP_GUARD'],
    [config.getGlobalInterceptors(), 'global, APP_INTERCEPTOR or useGlobalInterceptors'],
    [config.getGlobalRequestInterceptors().map((w) => w.metatype), 'global, APP_INTERCEPTOR'],
    [config.getGlobalPipes(), 'global, APP_PIPE or useGlobalPipes'],
    [config.getGlobalRequestPipes().map((w) => w.metatype), 'global, APP_PIPE'],
    [config.getGlobalFilters(), 'global, APP_FILTER or useGlobalFilters'],
    [config.getGlobalRequestFilters().map((w) => w.metatype), 'global, APP_FILTER'],
  ];
  return all.flatMap(([enhancers, where]) => enhancers.map((enhancer) => ({ enhancer, where })));
}

/** The enhancers declared on the controller, on the method and on its parameters. */
function ownEnhancers(
  controller: object & { name: string },
  key: string,
  handler: object,
): Found[] {
  const found: Found[] = [];
  for (const kind of KINDS) {
    for (const [target, owner] of [
      [controller, controller.name],
      [handler, `${controller.name}.${key}`],
    ] as const) {
      const enhancers = (Reflect.getMetadata(kind.metadata, target) as unknown[]) ?? [];
      for (const enhancer of enhancers)
        found.push({ enhancer, where: `${kind.decorator} on ${owner}` });
    }
  }
  const params = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, key) ?? {}) as Record<
    string,
    { index: number; pipes?: unknown[] }
  >;
  for (const param of Object.values(params)) {
    for (const enhancer of param.pipes ?? []) {
      found.push({
        enhancer,
        where: `pipe on parameter ${param.index} of ${controller.name}.${key}`,
      });
    }
  }
  return found;
}

function declaration(
  controller: object & { name: string },
  key: string,
  handler: object,
  hotPath: HotPath,
  prefix: string,
  reflector: Reflector,
): HotRouteDeclaration {
  const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
  const path = [prefix, firstPath(controller), firstPath(handler)]
    .flatMap((part) => part.split('/'))
    .filter((part) => part !== '')
    .join('/');
  return {
    name: `${method} /${path} (${controller.name}.${key})`,
    hotPath,
    method,
    access: routeAccessLevel(reflector, handler as RouteHandler, controller as Type),
    idempotent: isIdempotentRoute(handler),
  };
}

function firstPath(target: object): string {
  const path = Reflect.getMetadata(PATH_METADATA, target) as string | string[] | undefined;
  return (Array.isArray(path) ? path[0] : path) ?? '';
}

function replayOf(type: EnhancerClass): Replay | undefined {
  const own = HOT_PATH_REPLAYS.get(type);
  if (own) return own;
  for (const [listed, replay] of HOT_PATH_REPLAYS) {
    if (replay.subclasses && type.prototype instanceof listed) return replay;
  }
  return undefined;
}

function classOf(enhancer: unknown): EnhancerClass | undefined {
  if (typeof enhancer === 'function') return enhancer as EnhancerClass;
  if (typeof enhancer === 'object' && enhancer !== null) {
    return enhancer.constructor as EnhancerClass;
  }
  return undefined;
}
