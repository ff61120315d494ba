import { randomUUID } from 'node:crypto';
import { CATALOG_READ_LIMITS, FIRST_RELEASE_YEAR, latestReleaseYear } from '@kinema/contracts';
import { OPS_PATHS } from '@kinema/contracts/supervision';
import { SERVED_BY_METADATA, TRACE_ID_HEADER } from '@kinema/contracts/telemetry';

/** A probe waits this long: past the gateway's deadline, so a hung call shows as the 504 it is. */
const PROBE_TIMEOUT_MS = 15_000;

/** What a request through the gateway got, as a learner would see it with curl -i. */
export interface ProbeAnswer {
  method: string;
  path: string;
  status?: number;
  ms: number;
  traceId?: string;
  servedBy?: string;
  retryAfter?: string;
  /** Set when nothing came back (no answer in time, connection refused). */
  error?: string;
  body?: unknown;
}

/** One request through the gateway; never throws (a failure is an answer too). */
export async function probe(
  gatewayUrl: string,
  method: string,
  path: string,
  options: { token?: string; json?: unknown } = {},
): Promise<ProbeAnswer> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(`${gatewayUrl}${path}`, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    const text = await response.text();
    const header = (name: string) => response.headers.get(name) ?? undefined;
    return {
      method,
      path,
      status: response.status,
      ms: ms(),
      ...optional('traceId', header(TRACE_ID_HEADER)),
      ...optional('servedBy', header(SERVED_BY_METADATA)),
      ...optional('retryAfter', header('retry-after')),
      ...optional('body', parseJson(text)),
    };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    // fetch says only "fetch failed"; why is in its cause (ECONNREFUSED, ECONNRESET, ...).
    const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
    return {
      method,
      path,
      ms: ms(),
      error: timedOut
        ? `no answer within ${PROBE_TIMEOUT_MS / 1000} s`
        : typeof cause === 'string'
          ? `no answer (${cause})`
          : error instanceof Error
            ? error.message
            : String(error),
    };
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** A whole number from `from` to `to`, each as likely. */
function draw(from: number, to: number): number {
  return from + Math.floor(Math.random() * (to - from + 1));
}

/**
 * A catalog page the gateway's cache most likely does not hold, so that the request reaches a
 * catalog replica: a year range and a page size, one of about a million. The cache keeps at most
 * 5,000 pages, fewer when they fill its bytes, for 30 s at most (CATALOG_CACHE_MAX_ENTRIES,
 * CATALOG_CACHE_MAX_BYTES, CATALOG_CACHE_TTL_MS), so under steady load (watch-load) under 0.5% of
 * these find theirs there; drawn from 2,800 ranges and sizes, as they once were, the cache soon
 * held every one and answered nearly every request itself.
 */
export function uncachedCatalogPath(): string {
  // Two years drawn alike: every range about as likely as another.
  const years = [0, 0].map(() => draw(FIRST_RELEASE_YEAR, latestReleaseYear()));
  const limit = draw(1, CATALOG_READ_LIMITS.maxPageSize);
  return `/api/v1/titles?limit=${limit}&yearFrom=${Math.min(...years)}&yearTo=${Math.max(...years)}`;
}

/** Signs in; the answer carries the access token when it worked. */
export async function signIn(
  gatewayUrl: string,
  admin: { email: string; password: string },
): Promise<{ answer: ProbeAnswer; token?: string }> {
  const answer = await probe(gatewayUrl, 'POST', '/api/v1/auth/login', { json: admin });
  const token = (answer.body as { tokens?: { accessToken?: string } } | undefined)?.tokens
    ?.accessToken;
  return { answer, ...(token ? { token } : {}) };
}

/**
 * A call that reaches the videos service and its database without touching any video: the
 * admin's read of a video id nobody has (404 from videos, through the gateway).
 */
export async function videosProbe(
  gatewayUrl: string,
  admin: { email: string; password: string },
): Promise<ProbeAnswer[]> {
  const { answer, token } = await signIn(gatewayUrl, admin);
  if (!token) return [answer];
  return [await probe(gatewayUrl, 'GET', `/api/v1/videos/${randomUUID()}`, { token })];
}

/**
 * A write whose event goes through an outbox: the admin's first profile reports progress on a
 * title, which the users service stores and announces (users.playback.v1). The write succeeds
 * without Kafka; its event waits in the outbox.
 */
export async function outboxProbe(
  gatewayUrl: string,
  admin: { email: string; password: string },
): Promise<ProbeAnswer[]> {
  const { answer, token } = await signIn(gatewayUrl, admin);
  if (!token) return [answer];
  const profiles = await probe(gatewayUrl, 'GET', '/api/v1/me/profiles', { token });
  const profileId = (profiles.body as { items?: Array<{ id: string }> } | undefined)?.items?.[0]
    ?.id;
  const titles = await probe(gatewayUrl, 'GET', '/api/v1/titles?limit=1');
  const titleId = (titles.body as { items?: Array<{ id: string }> } | undefined)?.items?.[0]?.id;
  if (!profileId || !titleId) return [profiles, titles];
  return [
    await probe(gatewayUrl, 'PUT', `/api/v1/me/profiles/${profileId}/progress/${titleId}`, {
      token,
      json: { positionSeconds: 600, durationSeconds: 3600 },
    }),
  ];
}

/** The probe as lines: the request and its answer, then how to see its trace. */
export function describeProbe(answer: ProbeAnswer, traceCommand: (id: string) => string): string[] {
  const outcome = answer.error
    ? answer.error
    : `${answer.status} in ${answer.ms} ms` +
      (answer.retryAfter ? `, Retry-After: ${answer.retryAfter}` : '') +
      (answer.servedBy ? `, x-served-by: ${answer.servedBy}` : '');
  const trace = answer.traceId
    ? traceCommand(answer.traceId)
    : answer.error
      ? 'no answer, so no x-trace-id header to follow'
      : `this answer carried no ${TRACE_ID_HEADER} header (this build does not trace requests)`;
  return [`  Probe:     ${answer.method} ${answer.path} -> ${outcome}`, `  Trace:     ${trace}`];
}

/** What a web user notices when a service is slow, by service. */
export const SLOW_SERVICE_SEEN_BY_USERS: Readonly<Record<string, string>> = {
  catalog:
    'pages that need the catalog and are not cached (search, filters, a title opened for the first time) load slowly; pages the gateway has cached stay fast',
  users:
    'signing in and every signed-in page (profiles, My List, continue watching) load slowly; anonymous catalog pages stay fast',
  videos: 'starting playback and uploads are slow; browsing the catalog is not affected',
  gateway: 'every page, cached or not, waits on the gateway',
};

/** The probe of one service through the gateway: a request that needs it and nothing else broken. */
export async function probeService(
  gatewayUrl: string,
  admin: { email: string; password: string },
  service: string,
): Promise<ProbeAnswer[]> {
  switch (service) {
    case 'catalog':
      return [await probe(gatewayUrl, 'GET', uncachedCatalogPath())];
    case 'users':
      return [(await signIn(gatewayUrl, admin)).answer];
    case 'videos':
      return videosProbe(gatewayUrl, admin);
    default:
      return [await probe(gatewayUrl, 'GET', '/api/v1/titles?limit=1')];
  }
}

/**
 * Whether requests through the gateway reach `service` again after a fault (a replica back is not
 * enough: the gateway's channel may still be waiting out its reconnect backoff). Polls a request
 * that needs the service until it is answered by it, not with 502, 503 or 504. `token`: a session
 * opened before the fault, for services reached only when signed in (signing in to check would
 * spend the sign-in limits).
 */
export async function gatewayReaches(
  gatewayUrl: string,
  service: string,
  token: string | undefined,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer =
      service === 'catalog'
        ? await probe(gatewayUrl, 'GET', uncachedCatalogPath())
        : service === 'users'
          ? await probe(gatewayUrl, 'GET', '/api/v1/me', { ...(token ? { token } : {}) })
          : service === 'videos'
            ? await probe(gatewayUrl, 'GET', `/api/v1/videos/${randomUUID()}`, {
                ...(token ? { token } : {}),
              })
            : await probe(gatewayUrl, 'GET', OPS_PATHS.readiness);
    const status = answer.status ?? 0;
    if (status !== 0 && status !== 502 && status !== 503 && status !== 504) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
