import type { FastifyRequest } from 'fastify';
import { isIPv4 } from 'node:net';

/**
 * Whether the browser reached the gateway over HTTPS: itself, or through a proxy that ended TLS
 * and says so in X-Forwarded-Proto (as Ingress controllers do). Read whether or not TRUST_PROXY
 * is set: the header can only add what HTTPS earns (a Secure cookie, headers a browser heeds only
 * there), and a client that forges it harms only itself.
 */
export function overHttps(request: FastifyRequest): boolean {
  if (request.protocol === 'https') return true;
  const forwarded = request.headers['x-forwarded-proto'];
  const nearest = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  return nearest === 'https';
}

/** Loopback names and addresses, which browsers trust over plain HTTP as over HTTPS. */
function loopback(hostname: string): boolean {
  const name = hostname.toLowerCase();
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    (isIPv4(name) && name.startsWith('127.')) ||
    name === '[::1]'
  );
}

/**
 * Whether the page's origin is one a browser deems potentially trustworthy (W3C Secure Contexts):
 * HTTPS, or a loopback host over plain HTTP. `$(minikube ip)`, a LAN address or an Ingress without
 * TLS is not.
 */
export function trustworthyOrigin(request: FastifyRequest): boolean {
  return overHttps(request) || loopback(request.hostname);
}
