import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  Catch,
  HttpException,
  Logger,
  NotFoundException,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import {
  decodeGrpcError,
  httpForGrpcStatus,
  isServiceError,
  problem,
  PROBLEM_CONTENT_TYPE,
  type ProblemDetails,
} from '@kinema/platform/errors';
import { currentCallerSignal, currentRequestId, FailureLog } from '@kinema/platform/logging';
import type { ServiceErrorCode } from '@kinema/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { restFieldDescription, restFieldPath } from './field-paths';
import { ProblemException } from './problem.exception';
import { RouteMethods } from './route-methods';

// Domain codes whose gRPC status (FAILED_PRECONDITION -> 412) would mislead over HTTP, where 412
// means "your If-Match/If-None-Match failed": these are conflicts with the resource's state.
const HTTP_STATUS_BY_CODE: Partial<Record<ServiceErrorCode, { status: number; title: string }>> = {
  PROFILE_LIMIT: { status: 409, title: 'Conflict' },
  LAST_PROFILE: { status: 409, title: 'Conflict' },
  // Videos: INVALID_ARGUMENT is too coarse for an upload, whose client must tell a bad file
  // from a file too large; a video still uploading conflicts with its state.
  VIDEO_UNPROCESSABLE: { status: 422, title: 'Unprocessable Content' },
  VIDEO_TOO_LARGE: { status: 413, title: 'Content Too Large' },
  VIDEO_NOT_READY: { status: 409, title: 'Conflict' },
  RANGE_NOT_SATISFIABLE: { status: 416, title: 'Range Not Satisfiable' },
  // Artwork uploads: the same distinction as videos'.
  ARTWORK_UNPROCESSABLE: { status: 422, title: 'Unprocessable Content' },
  ARTWORK_TOO_LARGE: { status: 413, title: 'Content Too Large' },
};

/** Methods that change state: a deadline met by one of them leaves its outcome unknown. */
const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A write whose call passed its deadline: the service may have applied it, may still apply it
 * (a transaction waiting on its database commits when the database is back) or may never. No
 * Retry-After: retrying blindly is what could apply it twice.
 */
export function unknownOutcome(): ProblemDetails {
  return problem(504, 'Gateway Timeout', {
    code: 'OUTCOME_UNKNOWN',
    detail:
      'No service answered in time: this write may or may not have been applied, and may still ' +
      'be. Read the resource (for a POST, the collection) to find out before sending it again. ' +
      'A PATCH, PUT or DELETE sent with If-Match, or a POST sent again with the same ' +
      'Idempotency-Key, is never applied twice.',
  });
}

/** Whether `error` failing a request of `method` leaves the request's outcome unknown. */
export function leavesOutcomeUnknown(error: unknown, method: string): boolean {
  return (
    isServiceError(error) &&
    error.code === GrpcStatus.DEADLINE_EXCEEDED &&
    WRITE_METHODS.has(method)
  );
}

interface Answer {
  body: ProblemDetails;
  headers: Record<string, string>;
}

/** Every error leaves the gateway as application/problem+json; nothing internal is revealed. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  /** `upstreamFailures` groups an outage's failed requests into a few log lines. */
  constructor(private readonly upstreamFailures = new FailureLog()) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    void this.answer(
      http.getRequest<FastifyRequest>(),
      http.getResponse<FastifyReply>(),
      exception,
    );
  }

  /** Sends the answer to `exception`; also for hooks that answer before Nest's pipeline. */
  answer(request: FastifyRequest, reply: FastifyReply, exception: unknown): FastifyReply {
    const { body, headers } = this.toAnswer(
      methodNotAllowed(request, exception) ?? exception,
      request.method,
    );
    body.instance = request.url.split('?')[0];
    body.requestId = currentRequestId() ?? String(request.id);
    return reply
      .status(body.status)
      .headers({ ...headers, 'content-type': PROBLEM_CONTENT_TYPE })
      .send(body);
  }

  /** The answer to `exception` for a request of `method` (a write's deadline is not a read's). */
  toAnswer(exception: unknown, method = 'GET'): Answer {
    if (exception instanceof ProblemException)
      return { body: { ...exception.problem }, headers: exception.headers };
    if (isServiceError(exception)) {
      const decoded = decodeGrpcError(exception);
      if (leavesOutcomeUnknown(exception, method)) {
        this.logUpstreamFailure(decoded.code, decoded.message, 'write(s) of unknown outcome');
        return { body: unknownOutcome(), headers: {} };
      }
      const mapping = {
        ...httpForGrpcStatus(decoded.code),
        ...(decoded.errorCode ? HTTP_STATUS_BY_CODE[decoded.errorCode] : undefined),
      };
      const headers: Record<string, string> = mapping.retryAfterSeconds
        ? { 'retry-after': String(mapping.retryAfterSeconds) }
        : {};
      // A read cancelled because its client left failed nowhere: nobody reads this answer.
      if (mapping.status >= 500 && !currentCallerSignal()?.aborted)
        this.logUpstreamFailure(decoded.code, decoded.message);
      const detail =
        mapping.status >= 500
          ? 'An upstream service is unavailable; try again shortly.'
          : decoded.message;
      const errors = decoded.fieldViolations.map((violation) => {
        const field = restFieldPath(violation.field);
        return { field, description: restFieldDescription(field, violation.description) };
      });
      return {
        body: problem(mapping.status, mapping.title, {
          detail,
          ...(decoded.errorCode ? { code: decoded.errorCode } : {}),
          ...(errors.length ? { errors } : {}),
        }),
        headers,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const detail = typeof response === 'string' ? response : (exception.message ?? undefined);
      return { body: problem(status, titleFor(status), { detail }), headers: {} };
    }
    const status = statusOf(exception);
    if (status && status >= 400 && status < 500) {
      // Errors raised by Fastify itself (bad JSON, unsupported media type, body too large).
      return {
        body: problem(status, titleFor(status), { detail: messageOf(exception) }),
        headers: {},
      };
    }
    this.logger.error(
      exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
    );
    return {
      body: problem(500, 'Internal Server Error', { detail: 'An unexpected error occurred.' }),
      headers: {},
    };
  }

  /** One line per run of the same upstream status (then one per period, with a count). */
  private logUpstreamFailure(code: number, message: string, what = 'request(s) failed'): void {
    const requests = this.upstreamFailures.count(`${code} ${what}`);
    if (requests === undefined) return;
    this.logger.warn(
      `upstream failure: ${code} ${message} (${requests} ${what} with gRPC status ${code} since the last such line)`,
    );
  }
}

/**
 * A request no route took (Nest's "Cannot PUT /api/v1/titles" 404) at a path where routes take
 * other methods: 405 with the methods they take in `Allow`, which RFC 9110 requires of a 405.
 */
function methodNotAllowed(
  request: FastifyRequest,
  exception: unknown,
): ProblemException | undefined {
  if (!(exception instanceof NotFoundException) || !request.is404) return undefined;
  const allowed = RouteMethods.of(request.server)?.allowed(request.url) ?? [];
  // A route that takes the method and found nothing (a file the docs' assets lack) is a 404.
  if (allowed.length === 0 || allowed.includes(request.method)) return undefined;
  return new ProblemException(
    problem(405, titleFor(405), {
      detail: `This path does not take ${request.method}; it takes ${allowed.join(', ')}.`,
    }),
    { allow: allowed.join(', ') },
  );
}

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value = (error as { statusCode?: unknown }).statusCode;
  return typeof value === 'number' ? value : undefined;
}

function messageOf(error: unknown): string | undefined {
  return error instanceof Error ? error.message : undefined;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  411: 'Length Required',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function titleFor(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request');
}
