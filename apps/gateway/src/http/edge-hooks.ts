import type {
  FastifyContextConfig,
  FastifyInstance,
  FastifyPluginCallback,
  FastifyPluginOptions,
  RouteOptions,
} from 'fastify';
import fastifyPlugin from 'fastify-plugin';

/** The hooks of a request's lifecycle: an early answer (early-answers.ts) runs none of them. */
const REQUEST_HOOKS = [
  'onRequest',
  'preParsing',
  'preValidation',
  'preHandler',
  'preSerialization',
  'onSend',
  'onResponse',
  'onError',
  'onTimeout',
  'onRequestAbort',
] as const;
type RequestHook = (typeof REQUEST_HOOKS)[number];
type HookFunction = (...args: never[]) => unknown;

const watched = new WeakMap<FastifyInstance, EdgeHooks>();

/**
 * Every Fastify hook that would run for a hot route, and how an early answer does what it does.
 * Early answers skip Fastify altogether, so a hook added later (a header, a check, a log) would
 * silently not apply to them: start-up fails instead, naming the hook, unless it was added inside
 * `replayed` or `plugin`, which say how the early answer replays it.
 *
 * Fastify lists no hooks publicly, so this watches them being added: `addHook` on the root
 * instance (a plugin's encapsulated hooks never reach the API's routes, which Nest adds at the
 * root) and, for routes marked @HotRoute, the route-level hooks that plugins' `onRoute` hooks add
 * (@fastify/compress adds its own to every route). The hooks Nest's adapter adds when it is made,
 * before anything can watch, act only with `app.enableCors()`, `setOnRequestHook`,
 * `setOnResponseHook`, versioning or a target the router cannot match; the gateway uses none of
 * them, and an early answer only takes a URL the router matched before.
 */
export class EdgeHooks {
  /** Each hook an early answer replays (or need not), and how. */
  private readonly replays = new Map<HookFunction, string>();
  /** Request hooks added at the root, in order, with what they are for. */
  private readonly rootHooks: { hook: RequestHook; fn: HookFunction }[] = [];
  /** The options of every hot route, whose route-level hooks plugins add to as routes are made. */
  private readonly hotRoutes: RouteOptions[] = [];
  /** How the hooks being added right now are replayed, while `replayed` or `plugin` runs. */
  private replaying: string | undefined;

  private constructor(private readonly root: FastifyInstance) {}

  /** Starts watching a new Fastify instance's hooks (before any module adds one). */
  static watch(root: FastifyInstance): EdgeHooks {
    const hooks = new EdgeHooks(root);
    watched.set(root, hooks);
    const addHook = root.addHook as unknown as (
      this: FastifyInstance,
      name: string,
      fn: HookFunction,
    ) => FastifyInstance;
    const watching = function (this: FastifyInstance, name: string, fn: HookFunction) {
      const how = hooks.replaying;
      if (this !== root) return addHook.call(this, name, fn);
      if (name === 'onRoute' && how !== undefined) {
        // A replayed plugin's onRoute hook (compress's) adds route-level hooks as each route is
        // made: those it added are the ones there after it and not before.
        let before = new Set<HookFunction>();
        addHook.call(
          root,
          name,
          (options: RouteOptions) => (before = new Set(routeHooks(options))),
        );
        addHook.call(root, name, fn);
        return addHook.call(root, name, (options: RouteOptions) => {
          for (const added of routeHooks(options))
            if (!before.has(added)) hooks.replays.set(added, how);
        });
      }
      const answer = addHook.call(root, name, fn);
      if ((REQUEST_HOOKS as readonly string[]).includes(name)) {
        hooks.rootHooks.push({ hook: name as RequestHook, fn });
        if (how !== undefined) hooks.replays.set(fn, how);
      }
      return answer;
    };
    root.addHook = watching as unknown as FastifyInstance['addHook'];
    root.addHook('onRoute', (options) => {
      const config = options.config as FastifyContextConfig | undefined;
      // Early answers take GET alone (the HEAD routes Fastify adds for GET routes are not theirs).
      const methods = ([] as string[]).concat(options.method);
      if (config?.hotPath && methods.includes('GET')) hooks.hotRoutes.push(options);
    });
    return hooks;
  }

  /** The watcher of an instance EdgeHooks.watch was given. */
  static of(root: FastifyInstance): EdgeHooks {
    const hooks = watched.get(root);
    if (!hooks) throw new Error("the gateway's Fastify instance is not watched (EdgeHooks.watch)");
    return hooks;
  }

  /** Runs `register`; the hooks it adds at once are replayed by early answers as `how` says. */
  replayed<T>(how: string, register: () => T): T {
    this.replaying = how;
    try {
      return register();
    } finally {
      this.replaying = undefined;
    }
  }

  /**
   * Registers a plugin whose hooks early answers replay as `how` says. Fastify loads plugins in
   * order when it gets ready, so the hooks it adds are those added between two markers around it.
   */
  plugin<Options extends FastifyPluginOptions>(
    how: string,
    plugin: FastifyPluginCallback<Options>,
    options: Options,
  ): void {
    const mark = (replaying: string | undefined) =>
      fastifyPlugin((_instance, _options, done) => {
        this.replaying = replaying;
        done();
      });
    void this.root.register(mark(how));
    void this.root.register(plugin, options);
    void this.root.register(mark(undefined));
  }

  /** Each hook early answers replay (or need not), with how, for the start-up log. */
  replayedHooks(): string[] {
    return [...this.replays].map(([fn, how]) => `${describe(fn)}: ${how}`);
  }

  /** Throws naming every hook of a hot route that early answers do not replay. */
  refuseUnreplayed(): void {
    const unreplayed = this.rootHooks
      .filter(({ fn }) => !this.replays.has(fn))
      .map(({ hook, fn }) => `${hook} hook ${describe(fn)} (root)`);
    for (const route of this.hotRoutes) {
      for (const hook of REQUEST_HOOKS) {
        for (const fn of asList(route[hook])) {
          if (this.replays.has(fn)) continue;
          unreplayed.push(
            `${hook} hook ${describe(fn)} (route ${String(route.method)} ${route.url})`,
          );
        }
      }
    }
    if (unreplayed.length > 0) {
      throw new Error(
        `Fastify hooks that early answers of hot routes would skip: ${unreplayed.join('; ')}. ` +
          'Add them through EdgeHooks.replayed or EdgeHooks.plugin, saying how an early answer ' +
          'does the same (apps/gateway/src/http/early-answers.ts), or leave those routes unmarked.',
      );
    }
  }
}

/** Every request hook a route carries of its own (beside the root's). */
function routeHooks(options: RouteOptions): HookFunction[] {
  return REQUEST_HOOKS.flatMap((hook) => asList(options[hook]));
}

function asList(hooks: unknown): HookFunction[] {
  if (typeof hooks === 'function') return [hooks as HookFunction];
  return Array.isArray(hooks) ? (hooks as HookFunction[]) : [];
}

function describe(fn: HookFunction): string {
  return fn.name ? `"${fn.name}"` : 'anonymous';
}
