import type {
  LinkedFromResponse,
  ReceiverStatsResponse,
  TraceListResponse,
  TraceResponse,
} from './span-record.types';

/** The receiver answered with a problem (400, 404, ...): its status and what it said. */
export class TraceQueryRejected extends Error {
  constructor(
    readonly status: number,
    detail: string,
  ) {
    super(detail);
    this.name = 'TraceQueryRejected';
  }
}

/** No receiver answered at the URL (nothing listens, or it is not a receiver). */
export class ReceiverUnreachable extends Error {
  constructor(url: string, cause: string) {
    super(`no trace receiver answers at ${url} (${cause})`);
    this.name = 'ReceiverUnreachable';
  }
}

/** Reads the embedded receiver's query API (README.md) at `baseUrl`, e.g. http://127.0.0.1:14318. */
export class TraceQueryClient {
  constructor(private readonly baseUrl: string) {}

  private async get<T>(path: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), { signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      throw new ReceiverUnreachable(this.baseUrl, cause ?? (error as Error).message);
    }
    const type = response.headers.get('content-type') ?? '';
    if (!type.startsWith('application/json') && !type.startsWith('application/problem+json')) {
      throw new ReceiverUnreachable(
        this.baseUrl,
        `${path} answered ${response.status} ${type || 'without a body type'}`,
      );
    }
    const body = (await response.json()) as T & { detail?: string };
    if (!response.ok)
      throw new TraceQueryRejected(response.status, body.detail ?? `answered ${response.status}`);
    return body;
  }

  /** Summaries; `params` as GET /api/traces takes them (sort, root, service, route, since, limit). */
  list(params: Record<string, string | undefined>): Promise<TraceListResponse> {
    const query = new URLSearchParams(
      Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    return this.get(`/api/traces?${query}`);
  }

  trace(traceId: string): Promise<TraceResponse> {
    return this.get(`/api/traces/${encodeURIComponent(traceId)}`);
  }

  linkedFrom(traceId: string): Promise<LinkedFromResponse> {
    return this.get(`/api/traces/${encodeURIComponent(traceId)}/linked-from`);
  }

  stats(): Promise<ReceiverStatsResponse> {
    return this.get('/api/stats');
  }
}
