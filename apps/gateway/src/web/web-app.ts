import { OPS_ROUTES } from '@kinema/contracts';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Paths the web app never answers: the API, the docs, the WebSocket and the probes keep their own
 * answers, including their own 404 problem+json for a path under them that does not exist.
 */
export const RESERVED_PREFIXES = ['/api', '/docs', '/ws', ...OPS_ROUTES];

/** Vite names every built asset after a hash of its content: it can be cached for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current assets, so a browser must revalidate it on every visit. */
const REVALIDATE = 'no-cache';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Kinema</title></head>
<body><main><h1>Kinema</h1>
<p>The web app has not been built. Run <code>npx nx run web:build</code> (<code>npm start</code> does it),
or set WEB_DIST_DIR to a built copy, then reload. The API is at <a href="/docs">/docs</a>.</p>
</main></body></html>
`;

function isReserved(path: string): boolean {
  return RESERVED_PREFIXES.some(
    (prefix) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`),
  );
}

/** A browser navigating to a page (not a script, image or API call asking for JSON). */
function wantsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

/**
 * Serves the built web app at `/` from `distDir`: hashed assets under /assets for good, index.html
 * revalidated, and index.html for any other page a browser navigates to (the app routes it).
 * Without a build, `/` says how to make one. Queued on the instance like its hooks (loaded when
 * Fastify gets ready).
 */
export function registerWebApp(fastify: FastifyInstance, distDir: string): void {
  const root = resolve(distDir);
  const built = existsSync(join(root, 'index.html'));
  if (!built) {
    fastify.get('/', (_request, reply) =>
      reply
        .header('cache-control', REVALIDATE)
        .type('text/html; charset=utf-8')
        .send(NOT_BUILT_PAGE),
    );
    return;
  }
  void fastify.register(fastifyStatic, {
    root,
    serve: false,
    // The content hash in each name is the validator; index.html is revalidated by its ETag.
    cacheControl: false,
    etag: true,
    lastModified: true,
  });
  const sendIndex = (reply: FastifyReply) =>
    reply.header('cache-control', REVALIDATE).sendFile('index.html');
  fastify.get('/', (_request, reply) => sendIndex(reply));
  fastify.get('/*', (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (isReserved(path)) return reply.callNotFound();
    if (path.startsWith('/assets/')) {
      const file = join(root, path);
      if (file.startsWith(join(root, 'assets')) && isFile(file))
        return reply.header('cache-control', IMMUTABLE).sendFile(path.slice(1));
      return reply.callNotFound();
    }
    const file = join(root, path);
    if (file.startsWith(`${root}/`) && isFile(file) && !path.endsWith('/index.html'))
      return reply.header('cache-control', REVALIDATE).sendFile(path.slice(1));
    if (wantsHtml(request)) return sendIndex(reply);
    return reply.callNotFound();
  });
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
