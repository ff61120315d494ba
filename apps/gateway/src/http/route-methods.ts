import type { FastifyInstance, HTTPMethods } from 'fastify';
import FindMyWay from 'find-my-way';

/** The web app's routes: they take every path the API does not own, for GET alone. */
const WEB_APP_ROUTES: ReadonlySet<string> = new Set(['/', '/*']);

const tables = new WeakMap<FastifyInstance, RouteMethods>();

/**
 * Which methods the API's routes take at a path, for a 405 with `Allow` (RFC 9110 §15.5.6) where
 * Fastify answers 404 to every request no route takes: `PUT /api/v1/titles` was "Cannot PUT",
 * as if the collection did not exist. Fastify's own router does not say which other methods
 * match a path (`hasRoute` takes a route's template, not a request's path), so its routes are
 * entered as they are made into a router of their own, find-my-way, the one Fastify routes with,
 * with the same options. Asked only for a request no route took, never on a hot path.
 */
export class RouteMethods {
  private readonly router: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;
  private readonly methods = new Set<string>();

  private constructor(maxParamLength: number) {
    this.router = FindMyWay({ maxParamLength });
  }

  /** Starts entering the routes of a new Fastify instance (before any route is made). */
  static watch(fastify: FastifyInstance, options: { maxParamLength: number }): RouteMethods {
    const table = new RouteMethods(options.maxParamLength);
    tables.set(fastify, table);
    fastify.addHook('onRoute', (route) => {
      // CORS answers OPTIONS at every path (its route '*'), and the web app GET at every path the
      // API does not own: neither says what the path's resource allows.
      if (route.url === '*' || WEB_APP_ROUTES.has(route.url)) return;
      for (const method of ([] as HTTPMethods[]).concat(route.method)) {
        table.methods.add(method);
        if (!table.router.hasRoute(method as FindMyWay.HTTPMethod, route.url)) {
          table.router.on(method as FindMyWay.HTTPMethod, route.url, () => undefined);
        }
      }
    });
    return table;
  }

  /** The table of an instance `watch` was given, if any. */
  static of(fastify: FastifyInstance): RouteMethods | undefined {
    return tables.get(fastify);
  }

  /**
   * The methods some route takes at the URL's path, with OPTIONS (CORS answers it at every path)
   * when there are any; none when no route of the API is there.
   */
  allowed(url: string): string[] {
    const allowed = [...this.methods].filter(
      (method) => this.router.find(method as FindMyWay.HTTPMethod, url) !== null,
    );
    return allowed.length === 0 ? [] : [...allowed, 'OPTIONS'];
  }
}
