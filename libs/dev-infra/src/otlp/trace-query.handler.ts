import type {
  LinkedFromResponse,
  ReceiverStatsResponse,
  TraceListResponse,
  TraceResponse,
} from './span-record.types';
import type { TraceStore } from './trace.store';
import { parseTraceId, parseTraceListQuery, TraceQueryError } from './trace-query.params';

/** An RFC 9457 problem: what a query API error answers with. */
export interface Problem {
  type: 'about:blank';
  title: string;
  status: number;
  detail: string;
}

export type QueryAnswer =
  | {
      status: 200;
      body: TraceListResponse | TraceResponse | LinkedFromResponse | ReceiverStatsResponse;
    }
  | { status: 400 | 404; body: Problem };

const TITLES: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found' };

export function problem(status: number, detail: string): Problem {
  return { type: 'about:blank', title: TITLES[status] ?? 'Error', status, detail };
}

const ROUTES =
  'GET /api/traces, /api/traces/{traceId}, /api/traces/{traceId}/linked-from, /api/stats';

/** Answers a GET on the query API (`path` under /api) from what `store` holds. */
export function answerTraceQuery(
  store: TraceStore,
  path: string,
  params: URLSearchParams,
  nowMs = Date.now(),
): QueryAnswer {
  try {
    if (path === '/api/stats') return { status: 200, body: store.stats() };
    if (path === '/api/traces') {
      return { status: 200, body: { traces: store.list(parseTraceListQuery(params, nowMs)) } };
    }
    const match = /^\/api\/traces\/([^/]+)(\/linked-from)?$/.exec(path);
    if (!match?.[1])
      return { status: 404, body: problem(404, `no such resource; the query API is ${ROUTES}`) };
    const traceId = parseTraceId(decodeURIComponent(match[1]));
    const trace = store.trace(traceId);
    if (!trace) {
      return {
        status: 404,
        body: problem(
          404,
          `no trace ${traceId} here (never received, or dropped to stay within the limits)`,
        ),
      };
    }
    if (match[2]) return { status: 200, body: { spans: store.linkedFrom(traceId) } };
    return {
      status: 200,
      body: {
        ...trace,
        linkedSpans: store.linkedSpans(trace.spans.flatMap((span) => span.links)),
        instances: store.instances(trace.summary.services),
      },
    };
  } catch (error) {
    if (error instanceof TraceQueryError) return { status: 400, body: problem(400, error.message) };
    if (error instanceof URIError)
      return { status: 400, body: problem(400, 'the path is not valid percent-encoding') };
    throw error;
  }
}
