import type { HelmetOptions } from 'helmet';
import type { FastifyInstance } from 'fastify';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { trustworthyOrigin } from './trustworthy-origin';

/**
 * The security headers of every answer: one configuration for the plugin and the raw answers.
 * `mediaOrigin` is where playback redirects send a player (PLAYBACK_MEDIA_ORIGIN), if anywhere.
 */
export function helmetOptions(mediaOrigin?: string) {
  return {
    // Scripts only from this origin, never inline: the web app and Swagger UI load theirs from
    // files. Swagger UI still needs inline styles.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        mediaSrc: ["'self'", ...(mediaOrigin ? [new URL(mediaOrigin).origin] : [])],
        // Not helmet's default `upgrade-insecure-requests`: a browser then fetches the page's own
        // scripts over https, so the web app and /docs are blank wherever they are served over
        // plain HTTP from an address other than localhost (minikube's IP, a LAN address, an
        // Ingress without TLS). Served over HTTPS, the page's URLs are https already.
        upgradeInsecureRequests: null,
      },
    },
  } satisfies HelmetOptions;
}

/**
 * The headers helmet sets with helmetOptions(mediaOrigin): every answer's (registerSecurityHeaders)
 * and those written before any Fastify hook runs (edge-errors.ts). Asked of helmet itself rather
 * than listed here, so the two cannot drift.
 */
export function securityHeaders(mediaOrigin?: string): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(helmetOptions(mediaOrigin))(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    () => undefined,
  );
  return Object.freeze(headers);
}

/**
 * Headers a browser heeds only from a trustworthy origin (trustworthy-origin.ts) and reports in
 * its console from any other, on every page load: left out of answers to such an origin (plain
 * HTTP at `$(minikube ip)`, a LAN address), where they would do nothing but that. Early answers
 * (cached API reads, never a page, which a browser does not check for them) keep the full set.
 */
const TRUSTWORTHY_ORIGIN_ONLY = new Set(['cross-origin-opener-policy', 'origin-agent-cluster']);

/**
 * Sets the security headers (securityHeaders) on every answer, from an onRequest hook. They are
 * the same for every request to an origin of a kind, so they are asked of helmet once: the
 * @fastify/helmet plugin ran helmet per request, which re-parses and re-serialises the
 * Content-Security-Policy each time (6% of a cached read's CPU in a profile).
 */
export function registerSecurityHeaders(
  fastify: FastifyInstance,
  headers: Readonly<Record<string, string>>,
): void {
  const untrustworthy = Object.freeze(
    Object.fromEntries(
      Object.entries(headers).filter(([name]) => !TRUSTWORTHY_ORIGIN_ONLY.has(name)),
    ),
  );
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.headers(trustworthyOrigin(request) ? headers : untrustworthy);
    done();
  });
}
