import { SERVED_BY_METADATA } from '@kinema/contracts';
import { acceptRequestId, runWithRequestId } from '@kinema/platform/logging';
import { REPLICA_NAME } from '@kinema/platform/config';
import { context } from '@opentelemetry/api';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { TLSSocket } from 'node:tls';
import { Counter } from 'prom-client';
import type { Logger } from 'pino';
import { addedVary } from './representation';
import { carriesBody } from './request-body';
import { CLIENT_CLOSED_REQUEST, completed } from './request-hooks';
import { keepServerSpan, openServerSpan, type ServerSpan } from './server-span';

/** A request an early answerer may take: a GET without a body, an Origin or proxy headers. */
export interface EarlyRequest {
  url: string;
  headers: IncomingHttpHeaders;
  /** The client's address: the socket's (a request with proxy headers is left to Fastify). */
  ip: string;
}

/** What an early answer sends besides the edge's own headers. */
export interface EarlyAnswer {
  status: number;
  headers: Readonly<Record<string, string>>;
  body?: Buffer;
}

/**
 * Work that waits (a call to another service, a shared store), handed back instead of started, so
 * that it starts with the request id in its async context and the span kept as the request's. An
 * answer known at once runs in the request's trace only: the other two cost a cached hit about a
 * twentieth of its CPU (docs/performance.md).
 */
export class Later<T> {
  constructor(readonly run: () => Promise<T>) {}
}

/** A value now, or the work that will find it. */
export type NowOrLater<T> = T | Later<T>;

/** `next` applied to a value at once, or after the work that finds it (itself later then). */
export function thenLater<T, U>(
  value: NowOrLater<T>,
  next: (value: T) => NowOrLater<U>,
): NowOrLater<U> {
  if (!(value instanceof Later)) return next(value);
  return new Later(async () => settled(next(await value.run())));
}

/** The value, waiting for its work when it is later (run in the caller's contexts). */
export function settled<T>(value: NowOrLater<T>): T | Promise<T> {
  return value instanceof Later ? value.run() : value;
}

/** The hot path that answers early (HotReads, for cached reads). */
export interface EarlyAnswerer {
  /** The route template of a URL it may answer, checked before anything starts; else undefined. */
  routeOf(url: string): string | undefined;
  /**
   * The answer, or undefined to leave the request to Fastify, which answers as it always has;
   * at once when the answerer knows it without waiting, else the work that finds it, which has
   * not started: it is run in the request's contexts.
   */
  answer(request: EarlyRequest): NowOrLater<EarlyAnswer | undefined>;
}

/** The edge's work on every answer, which an early answer does itself (edge-hooks.ts lists it). */
export interface EdgeReplay {
  logger: Logger;
  /** TRUST_PROXY: the client's address and scheme come from proxy headers, which Fastify reads. */
  trustProxy: boolean;
  /** The headers of every answer: the security headers, and what CORS sends without an Origin. */
  headers: Readonly<Record<string, string>>;
  /** Whether a connection is past its age limit (connection-age.ts). */
  pastAge(socket: Socket): boolean;
  /** Whether this replica is stopping (connection-drain.ts). */
  draining(): boolean;
}

const earlyAnswers = new Counter({
  name: 'gateway_early_answers_total',
  help: 'Requests answered ahead of Fastify (cached reads a hot path answered on the socket).',
});

/** What an early answer started with, and Fastify's listener, which takes what it leaves. */
interface EarlyStart {
  route: string;
  id: string;
  started: number;
  /** The answer's headers so far (the edge's, the request id, the trace's), for writeHead. */
  headers: string[];
  span: ServerSpan;
  fastify: (request: IncomingMessage, response: ServerResponse) => void;
}

/** The request ids early answers gave the requests they left to Fastify, which keeps them. */
const handedOnIds = new WeakMap<IncomingMessage, string>();

/** The request id of a request: the one an early answer gave it, or accepted or made now. */
export function requestIdOf(request: IncomingMessage): string {
  return handedOnIds.get(request) ?? acceptRequestId(request.headers['x-request-id']);
}

/** Proxy headers: with TRUST_PROXY they change the client's address and scheme Fastify reports. */
const PROXY_HEADERS = ['x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'forwarded'];

/**
 * Answers the hot path's requests ahead of Fastify, in the HTTP server's own request listener:
 * a repeat of a cached read costs the gateway no routing, no request and reply objects and no
 * hooks (Fastify's and Nest's adapter's, at least sixteen per request), which were more than half
 * of a hit's CPU (docs/decisions/0009-early-answers-ahead-of-fastify.md). Fastify creates and
 * configures the server; this puts a listener in front of Fastify's own, which gets every request
 * an early answer does not take. Fastify's `serverFactory` would do the same but make the gateway
 * repeat every server option Fastify sets.
 *
 * An early answer replays what the edge does to every answer (EdgeReplay; EdgeHooks refuses to
 * start with a hook it does not): request id, server span, `x-served-by`, the security and CORS
 * headers, the connection's age limit and drain, one log line and one duration sample with
 * `path=hot`. It takes only what that covers: GET without a body, without an Origin (CORS) and,
 * with TRUST_PROXY, without proxy headers; anything else goes to Fastify, where the hot path's
 * hook still answers a cached read.
 */
export class EarlyAnswers {
  private answerer: EarlyAnswerer | undefined;
  /** The edge's headers but Vary, and this replica's x-served-by, as writeHead takes them. */
  private readonly edgeHeaders: string[];
  /** The edge's Vary (CORS's `Origin`, when the allowed origin depends on the request). */
  private readonly edgeVary: string | undefined;

  constructor(
    server: Server,
    private readonly edge: EdgeReplay,
  ) {
    const { vary, ...headers } = edge.headers;
    this.edgeVary = vary;
    this.edgeHeaders = Object.entries({ ...headers, [SERVED_BY_METADATA]: REPLICA_NAME }).flat();
    const listeners = server.listeners('request') as ((
      request: IncomingMessage,
      response: ServerResponse,
    ) => void)[];
    const fastify = listeners[0];
    if (listeners.length !== 1 || !fastify) {
      throw new Error(
        `early answers expect Fastify's request listener alone, found ${listeners.length}`,
      );
    }
    server.removeListener('request', fastify);
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const route = this.routeOf(request);
      if (route === undefined) return fastify(request, response);
      this.answer(request, response, route, fastify);
    });
  }

  /** Sets the hot path that answers early (one at most). */
  use(answerer: EarlyAnswerer): void {
    if (this.answerer) throw new Error('early answers have a hot path already');
    this.answerer = answerer;
  }

  /** The route of a request an early answer may take, else undefined (Fastify's). */
  private routeOf(request: IncomingMessage): string | undefined {
    const { answerer } = this;
    if (!answerer || request.method !== 'GET' || request.url === undefined) return undefined;
    const { headers } = request;
    if (headers.origin !== undefined || carriesBody(request)) return undefined;
    if (this.edge.trustProxy && PROXY_HEADERS.some((name) => headers[name] !== undefined)) {
      return undefined;
    }
    return answerer.routeOf(request.url);
  }

  private answer(
    request: IncomingMessage,
    response: ServerResponse,
    route: string,
    fastify: (request: IncomingMessage, response: ServerResponse) => void,
  ): void {
    const started = performance.now();
    const url = request.url as string;
    const id = acceptRequestId(request.headers['x-request-id']);
    // A copy of the edge's: slice copies at once (concat with strings and an array took 3% of a
    // signed-in hit's JavaScript in a profile).
    const headers = this.edgeHeaders.slice();
    headers.push('x-request-id', id);
    const ip = request.socket.remoteAddress ?? '';
    const span = openServerSpan(
      {
        raw: request,
        method: 'GET',
        url,
        route,
        protocol: request.socket instanceof TLSSocket ? 'https' : 'http',
        ip,
      },
      (name, value) => headers.push(name, value),
    );
    const start: EarlyStart = { route, id, started, headers, span, fastify };
    const answerer = this.answerer as EarlyAnswerer;
    const answerNow = () => answerer.answer({ url, headers: request.headers, ip });
    let answer: NowOrLater<EarlyAnswer | undefined>;
    try {
      // In the request's trace when its span is recorded (the cache notes a hit on it), in the
      // request's own turn. A span that is not recorded keeps nothing the answer could add, and
      // an answer known at once calls no one (the work that waits runs in the trace, below).
      answer = span.span.isRecording() ? context.with(span.context, answerNow) : answerNow();
    } catch {
      answer = undefined;
    }
    if (!(answer instanceof Later)) return this.settle(request, response, start, answer);
    // Work that waits runs with the request id too, and the span kept as the request's.
    const later = answer;
    const traced = keepServerSpan(request, span);
    const pending = context.with(traced, () => runWithRequestId(id, later.run));
    pending.then(
      (found) => this.settle(request, response, start, found),
      () => this.settle(request, response, start, undefined),
    );
  }

  /**
   * Sends an early answer, with the edge's headers, and logs and measures it once it is done;
   * without one, Fastify answers the request, with the same request id and server span.
   */
  private settle(
    request: IncomingMessage,
    response: ServerResponse,
    { route, id, started, headers, span, fastify }: EarlyStart,
    answer: EarlyAnswer | undefined,
  ): void {
    if (!answer) {
      handedOnIds.set(request, id);
      // Fastify's hooks go on in the span this request has, with its context.
      keepServerSpan(request, span);
      return fastify(request, response);
    }
    const url = request.url as string;
    earlyAnswers.inc();
    const done = (status: number) =>
      completed(this.edge.logger, {
        raw: request,
        method: 'GET',
        url,
        route,
        path: 'hot',
        status,
        ms: performance.now() - started,
        span: span.span,
        requestId: id,
      });
    if (response.destroyed) return done(CLIENT_CLOSED_REQUEST);
    // A response closes once: `on` without `once`'s wrapper and removal.
    response.on('close', () =>
      done(response.writableFinished ? answer.status : CLIENT_CLOSED_REQUEST),
    );
    // One Vary line, the edge's then the answer's, as Fastify's hook sends it (replyWith).
    let vary = this.edgeVary;
    for (const name in answer.headers) {
      const value = answer.headers[name] as string;
      if (name === 'vary') vary = addedVary(vary, value);
      else headers.push(name, value);
    }
    if (vary !== undefined) headers.push('vary', vary);
    if (answer.body) headers.push('content-length', String(answer.body.length));
    if (this.edge.draining() || this.edge.pastAge(request.socket)) {
      headers.push('connection', 'close');
    }
    response.writeHead(answer.status, headers);
    response.end(answer.body);
  }
}
