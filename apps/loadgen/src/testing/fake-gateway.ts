import type { TitleTypeName } from '@kinema/contracts';
import { OPS_PATHS } from '@kinema/contracts/supervision';
import type { Transport } from '../api-client';

interface FakeTitle {
  id: string;
  name: string;
  type: TitleTypeName;
  playable: boolean;
  version: number;
  episodes?: Array<{ id: string; playable: boolean }>;
}

/** A request the fake saw: `METHOD /path?query`, its headers and body, and when (fake clock). */
export interface SeenRequest {
  line: string;
  headers: Headers;
  body?: unknown;
  atMs: number;
}

/**
 * Lets a test answer a request itself (a 429, a 412, a 503), or later (a promise: the request is
 * in flight until it settles); undefined lets the fake answer.
 */
export type Interceptor = (request: SeenRequest) => Response | Promise<Response> | undefined;

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const CLIP_BYTES = 1_300_000;

/**
 * An in-memory stand-in for the gateway's routes the simulated clients use, with the answers'
 * shapes of the real one (its OpenAPI document), a clock that moves only when a client pauses,
 * and a log of every request; the run under test stops after as many requests as it is told.
 */
export class FakeGateway {
  readonly seen: SeenRequest[] = [];
  readonly titles: FakeTitle[] = [
    { id: id(1), name: 'Galaxy Drifters', type: 'movie', playable: true, version: 1 },
    { id: id(2), name: 'Night Harbour', type: 'movie', playable: true, version: 1 },
    { id: id(3), name: 'Quiet Gardens', type: 'movie', playable: false, version: 1 },
    {
      id: id(4),
      name: 'Harbour Lights',
      type: 'series',
      playable: true,
      version: 1,
      episodes: [{ id: id(41), playable: true }],
    },
  ];
  readonly accounts = new Map<string, { password: string; profiles: string[] }>([
    ['admin@example.com', { password: 'admin-password', profiles: [id(900)] }],
  ]);
  private clockMs = 0;
  private nextId = 1000;
  interceptor: Interceptor = () => undefined;
  /** How long the access tokens it issues last. */
  tokenLifetimeMs = 15 * 60_000;
  /** When (fake clock) each access token was issued. */
  readonly issued = new Map<string, number>();
  private controller = new AbortController();
  private limit = Number.POSITIVE_INFINITY;

  /** Aborts (ends the run under test) once `requests` more requests have arrived. */
  stopAfter(requests: number): AbortSignal {
    this.controller = new AbortController();
    this.limit = this.seen.length + requests;
    return this.controller.signal;
  }

  /** Ends the run under test now. */
  stopNow(): void {
    this.controller.abort();
  }

  readonly transport: Transport = {
    fetch: (input, init) => {
      const answer = this.answer(String(input), init ?? {});
      if (answer instanceof Response || !init?.signal) return Promise.resolve(answer);
      // An answer still to come: as with fetch, the caller's signal ends the wait for it.
      const signal = init.signal;
      return new Promise<Response>((resolve, reject) => {
        const abort = () => reject(signal.reason);
        if (signal.aborted) abort();
        signal.addEventListener('abort', abort, { once: true });
        answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
      });
    },
    pause: async (ms, signal) => {
      if (signal.aborted) throw signal.reason;
      this.clockMs += ms;
      await new Promise((resolve) => setImmediate(resolve));
      if (signal.aborted) throw signal.reason;
    },
    now: () => this.clockMs,
  };

  /** The request lines, in order (`GET /api/v1/browse`, ...). */
  lines(): string[] {
    return this.seen.map((request) => request.line);
  }

  /**
   * What the gateway does with a request, the interceptor aside: for an interceptor that lets a
   * request take effect and changes only how its answer arrives.
   */
  handle(request: SeenRequest): Response {
    const [method = 'GET', target = '/'] = request.line.split(' ');
    const { pathname, search } = new URL(target, 'http://gateway.test');
    return this.route(method, pathname, search, request.headers, request.body);
  }

  private answer(url: string, init: RequestInit): Response | Promise<Response> {
    const { pathname, search } = new URL(url);
    const method = init.method ?? 'GET';
    const headers = new Headers(init.headers);
    const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const line = `${method} ${pathname}${search}`;
    const request: SeenRequest = { line, headers, body, atMs: this.clockMs };
    if (pathname !== OPS_PATHS.readiness) this.seen.push(request);
    if (this.seen.length >= this.limit) this.controller.abort();
    return this.interceptor(request) ?? this.route(method, pathname, search, headers, body);
  }

  private route(
    method: string,
    path: string,
    search: string,
    headers: Headers,
    body: unknown,
  ): Response {
    const credentials = body as { email?: string; password?: string } | undefined;
    const key = `${method} ${path.replace(/[0-9a-f-]{36}/g, '{id}')}`;
    switch (key) {
      case 'GET /readyz':
        return json(200, { status: 'ok' });
      case 'POST /api/v1/auth/login': {
        const account = this.accounts.get(credentials?.email ?? '');
        if (!account || account.password !== credentials?.password) return json(401, {});
        return json(200, { tokens: this.tokens() });
      }
      case 'POST /api/v1/auth/register': {
        if (this.accounts.has(credentials?.email ?? '')) return json(409, {});
        const profile = id(this.nextId++);
        this.accounts.set(credentials?.email ?? '', {
          password: credentials?.password ?? '',
          profiles: [profile],
        });
        return json(201, { tokens: this.tokens(), profile: { id: profile, name: 'Main' } });
      }
      case 'POST /api/v1/auth/refresh':
        return json(200, { tokens: this.tokens() });
      case 'GET /api/v1/me/profiles':
        return json(200, { items: [{ id: id(1), name: 'Main' }] });
      case 'POST /api/v1/me/profiles':
        return json(201, { id: id(this.nextId++), name: 'Kids' });
      case 'GET /api/v1/browse':
        return json(200, {
          rows: [{ id: 'popular', items: this.titles.filter((t) => t.playable).map(view) }],
        });
      case 'GET /api/v1/titles': {
        const q = new URLSearchParams(search).get('q')?.toLowerCase();
        const items = this.titles.filter(
          (t) =>
            !q ||
            t.name
              .toLowerCase()
              .split(' ')
              .some((word) => word.startsWith(q)),
        );
        return json(200, { items: items.map(view), nextCursor: null });
      }
      case 'GET /api/v1/titles/{id}': {
        const title = this.title(path);
        if (!title) return json(404, {});
        return json(200, detail(title), { etag: `"${title.version}"` });
      }
      case 'PATCH /api/v1/titles/{id}': {
        const title = this.title(path);
        if (!title) return json(404, {});
        if (headers.get('if-match') !== `"${title.version}"`) return json(412, {});
        title.name = (body as { name: string }).name;
        title.version += 1;
        return json(200, detail(title), { etag: `"${title.version}"` });
      }
      case 'POST /api/v1/titles/{id}/playback':
      case 'POST /api/v1/titles/{id}/episodes/{id}/playback':
        return json(200, {
          streamUrl: `${path.replace(/\/playback$/, '/stream')}?grant=abc.def`,
          sizeBytes: CLIP_BYTES,
          durationSeconds: 10.4,
        });
      case 'GET /api/v1/titles/{id}/stream':
      case 'GET /api/v1/titles/{id}/episodes/{id}/stream': {
        const [, from = '0', to = '0'] = /bytes=(\d+)-(\d+)/.exec(headers.get('range') ?? '') ?? [];
        return new Response(new Uint8Array(Number(to) - Number(from) + 1), { status: 206 });
      }
      case 'PUT /api/v1/me/profiles/{id}/progress/{id}':
      case 'PUT /api/v1/me/profiles/{id}/list/{id}':
        return json(200, {});
      case 'DELETE /api/v1/me/profiles/{id}/list/{id}':
        return new Response(null, { status: 204 });
      case 'GET /api/v1/me/profiles/{id}/list':
      case 'GET /api/v1/me/profiles/{id}/continue-watching':
        return json(200, { items: [] });
      default:
        return json(404, { detail: `the fake gateway has no ${key}` });
    }
  }

  private title(path: string): FakeTitle | undefined {
    return this.titles.find((title) => path.includes(title.id));
  }

  private tokens() {
    const accessToken = `token-${this.nextId++}`;
    this.issued.set(accessToken, this.clockMs);
    return {
      accessToken,
      refreshToken: `refresh-${this.nextId++}`,
      accessTokenExpiresAt: new Date(Date.now() + this.tokenLifetimeMs).toISOString(),
    };
  }
}

function view(title: FakeTitle) {
  return {
    id: title.id,
    name: title.name,
    type: title.type,
    runtimeMinutes: title.type === 'movie' ? 90 : 0,
    playable: title.playable,
  };
}

function detail(title: FakeTitle) {
  return {
    ...view(title),
    seasons: title.episodes
      ? [
          {
            number: 1,
            episodes: title.episodes.map((e, i) => ({ ...e, number: i + 1, runtimeMinutes: 30 })),
          },
        ]
      : [],
  };
}

/** A JSON answer, with extra headers. */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}
