import { createHash } from 'node:crypto';
import { IDEMPOTENCY_KEY, IDEMPOTENCY_KEY_HEADER, PROFILE_HEADER } from '@kinema/contracts';
import { problem, type ProblemDetails } from '@kinema/platform/errors';
import {
  Inject,
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { principalOf } from '../viewer/principal';
import { ProblemException } from '../http/problem.exception';
import { leavesOutcomeUnknown, unknownOutcome } from '../http/problem.filter';
import type { IdempotencyStore, KeyRecord, StoredAnswer } from './idempotency-store';
import { isIdempotentRoute, REPLAYED_HEADER } from './idempotent.decorator';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

export const IDEMPOTENCY_STORE = Symbol('IdempotencyStore');

export interface IdempotencyOptions {
  /** How long a claimed key waits for its request's answer before it is free again. */
  pendingMs: number;
}

/** The headers of an answer that a replay repeats (what the POST routes set besides the body). */
const KEPT_HEADERS = ['location', 'etag'] as const;

const RETENTION_MS = IDEMPOTENCY_KEY.retentionSeconds * 1000;

/**
 * Idempotency-Key on the routes marked @Idempotent(): the first request with a key claims it and
 * runs; its answer is kept and replayed to every later request of the same caller with the same
 * key and the same method, URL, profile and body. A different request under the key is refused
 * (422), as is a second one while the first still runs (409). A failure a retry may fix (a 4xx,
 * a 503) frees the key; a write whose outcome is unknown (504 OUTCOME_UNKNOWN) is kept like a
 * success, so its retry cannot apply it a second time.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(
    @Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
  ) {
    // A handler makes its calls within a few deadlines; a replica that dies mid-request frees
    // its keys this long after.
    this.options = { pendingMs: 2 * config.GRPC_DEADLINE_MS + 10_000 };
  }

  private readonly options: IdempotencyOptions;

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    if (!isIdempotentRoute(context.getHandler())) return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const header = request.headers[IDEMPOTENCY_KEY_HEADER];
    if (header === undefined) return next.handle();
    return from(this.once(request, http.getResponse<FastifyReply>(), header, next));
  }

  private async once(
    request: FastifyRequest,
    reply: FastifyReply,
    header: string | string[],
    next: CallHandler,
  ): Promise<unknown> {
    const key = storeKey(request, parseIdempotencyKey(header));
    const fingerprint = fingerprintOf(request);
    const claim = await this.store
      .claim(key, fingerprint, this.options.pendingMs)
      .catch((error: unknown) => {
        // Running the request without its key could apply it twice: refuse it instead.
        this.logger.warn(`idempotency store unavailable: ${String(error)}`);
        throw new ProblemException(
          problem(503, 'Service Unavailable', {
            detail: 'Idempotency keys cannot be checked right now; try again shortly.',
          }),
          { 'retry-after': '1' },
        );
      });
    if (!claim.claimed) return replay(claim.record, fingerprint, reply);
    let value: unknown;
    try {
      value = await lastValueFrom(next.handle(), { defaultValue: undefined });
    } catch (error) {
      if (leavesOutcomeUnknown(error, request.method)) {
        const body = unknownOutcome();
        await this.keep(key, { fingerprint, answer: { status: body.status, headers: {}, body } });
      } else await this.store.release(key).catch(() => undefined); // else it expires on its own
      throw error;
    }
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const header = reply.getHeader(name);
      if (typeof header === 'string') headers[name] = header;
    }
    const body: unknown = value === undefined ? null : JSON.parse(JSON.stringify(value));
    await this.keep(key, { fingerprint, answer: { status: reply.statusCode, headers, body } });
    return value;
  }

  private async keep(key: string, record: KeyRecord): Promise<void> {
    // The request was applied whatever the store says: its answer goes out. A retry then finds
    // the key claimed until the claim expires (409), and only after that runs again.
    await this.store
      .complete(key, record, RETENTION_MS)
      .catch((error: unknown) =>
        this.logger.warn(`idempotency store: answer not kept: ${String(error)}`),
      );
  }
}

/** The key as sent: a Structured Field string, quoted or not; anything else is a 400. */
export function parseIdempotencyKey(header: string | string[]): string {
  const value = Array.isArray(header) ? undefined : header.trim();
  if (value === undefined || !IDEMPOTENCY_KEY.pattern.test(value))
    throw ProblemException.badRequest([
      {
        field: 'Idempotency-Key',
        description: `Idempotency-Key must be one string of 1 to ${IDEMPOTENCY_KEY.maxLength} visible ASCII characters (quoted or not), without " or \\`,
      },
    ]);
  return value.startsWith('"') ? value.slice(1, -1) : value;
}

/** Keys are the caller's own: the same key from another account (or address) is another key. */
function storeKey(request: FastifyRequest, key: string): string {
  const principal = principalOf(request);
  const caller = principal ? `account:${principal.accountId}` : `ip:${request.ip}`;
  return sha256(`${caller}\n${key}`);
}

/** What makes two requests "the same request" under one key. */
function fingerprintOf(request: FastifyRequest): string {
  const body: unknown = request.body;
  const bytes = Buffer.isBuffer(body) ? body.toString('base64') : JSON.stringify(body ?? null);
  const profile = request.headers[PROFILE_HEADER] ?? '';
  return sha256(`${request.method} ${request.url}\n${String(profile)}\n${bytes}`);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

function replay(record: KeyRecord, fingerprint: string, reply: FastifyReply): unknown {
  if (record.fingerprint !== fingerprint)
    throw new ProblemException(
      problem(422, 'Unprocessable Content', {
        code: 'IDEMPOTENCY_KEY_REUSED',
        detail: 'This Idempotency-Key was used with a different request; use a new key.',
      }),
    );
  const answer: StoredAnswer | undefined = record.answer;
  if (!answer)
    throw new ProblemException(
      problem(409, 'Conflict', {
        code: 'IDEMPOTENCY_KEY_IN_USE',
        detail: 'The first request with this Idempotency-Key is still running; ask again shortly.',
      }),
      { 'retry-after': '1' },
    );
  const headers = { ...answer.headers, [REPLAYED_HEADER]: 'true' };
  if (answer.status >= 400) throw new ProblemException(answer.body as ProblemDetails, headers);
  void reply.status(answer.status).headers(headers);
  return answer.body ?? undefined;
}
