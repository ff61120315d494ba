import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { ERROR_INFO_TRAILER, ErrorInfo } from '@kinema/contracts';
import { FAILURE_LOG_PERIOD_MS, FailureLog } from '@kinema/platform/logging';
import { Logger, NotFoundException } from '@nestjs/common';
import { ProblemFilter } from './problem.filter';

function serviceError(code: status, details: string, info?: ErrorInfo): ServiceError {
  const metadata = new Metadata();
  if (info) metadata.set(ERROR_INFO_TRAILER, Buffer.from(ErrorInfo.encode(info).finish()));
  return Object.assign(new Error(details), { code, details, metadata });
}

describe('ProblemFilter', () => {
  const filter = new ProblemFilter();

  it('maps INVALID_ARGUMENT to 400 naming the fields in REST terms', () => {
    const { body, headers } = filter.toAnswer(
      serviceError(status.INVALID_ARGUMENT, 'The request is invalid.', {
        code: 'VALIDATION_FAILED',
        fieldViolations: [{ field: 'title.genre_slugs[0]', description: 'unknown genre "x"' }],
      }),
    );
    expect(body).toMatchObject({ status: 400, title: 'Bad Request', code: 'VALIDATION_FAILED' });
    expect(body.errors).toEqual([{ field: 'genres[0]', description: 'unknown genre "x"' }]);
    expect(headers).toEqual({});
  });

  it.each([
    [status.NOT_FOUND, 404],
    [status.ALREADY_EXISTS, 409],
    [status.ABORTED, 409],
    [status.FAILED_PRECONDITION, 412],
    [status.PERMISSION_DENIED, 403],
    [status.UNAUTHENTICATED, 401],
  ])('maps gRPC status %i to HTTP %i', (code, http) => {
    expect(filter.toAnswer(serviceError(code, 'nope')).body.status).toBe(http);
  });

  it.each([
    [status.UNAVAILABLE, 503],
    [status.DEADLINE_EXCEEDED, 504],
    [status.RESOURCE_EXHAUSTED, 429],
  ])('maps gRPC status %i to HTTP %i with Retry-After', (code, http) => {
    const { body, headers } = filter.toAnswer(
      serviceError(code, 'connect ECONNREFUSED 127.0.0.1:50051'),
    );
    expect(body.status).toBe(http);
    expect(headers['retry-after']).toBe('1');
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])(
    'answers a %s that passed its deadline: outcome unknown, read before retrying',
    (method) => {
      const { body, headers } = filter.toAnswer(
        serviceError(status.DEADLINE_EXCEEDED, 'Deadline exceeded'),
        method,
      );
      expect(body).toMatchObject({ status: 504, code: 'OUTCOME_UNKNOWN' });
      expect(body.detail).toMatch(/may or may not have been applied/);
      expect(body.detail).toMatch(/If-Match/);
      // Retrying blindly is the hazard: nothing invites it.
      expect(headers['retry-after']).toBeUndefined();
    },
  );

  it('logs an outage as one warning per period with a count, not one per failed request', () => {
    let clock = 0;
    const grouped = new ProblemFilter(new FailureLog(FAILURE_LOG_PERIOD_MS, () => clock));
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      for (let n = 0; n < 500; n++) {
        grouped.toAnswer(serviceError(status.UNAVAILABLE, 'database unavailable'));
        clock += 10; // 5 s of failed requests
      }
      expect(warn).toHaveBeenCalledTimes(1);
      clock += FAILURE_LOG_PERIOD_MS;
      grouped.toAnswer(serviceError(status.UNAVAILABLE, 'database unavailable'));
      expect(warn).toHaveBeenCalledTimes(2);
      expect(String(warn.mock.calls[1]?.[0])).toMatch(/500 request\(s\) failed/);
    } finally {
      warn.mockRestore();
    }
  });

  it.each([
    [status.UNAUTHENTICATED, 'INVALID_CREDENTIALS', 401],
    [status.PERMISSION_DENIED, 'WRONG_PASSWORD', 403],
    [status.FAILED_PRECONDITION, 'PROFILE_LIMIT', 409],
    [status.FAILED_PRECONDITION, 'LAST_PROFILE', 409],
    [status.NOT_FOUND, 'PROFILE_NOT_FOUND', 404],
    [status.UNAUTHENTICATED, 'REFRESH_TOKEN_REUSED', 401],
  ])("maps the users service's %i %s to HTTP %i keeping the code", (code, errorCode, http) => {
    const { body } = filter.toAnswer(
      serviceError(code, 'nope', { code: errorCode, fieldViolations: [] }),
    );
    expect(body).toMatchObject({ status: http, code: errorCode });
  });

  it('never shows upstream internals in a 5xx detail', () => {
    const { body } = filter.toAnswer(
      serviceError(status.UNAVAILABLE, 'connect ECONNREFUSED 127.0.0.1:50051'),
    );
    expect(body.detail).not.toContain('ECONNREFUSED');
  });

  it('turns an unexpected error into a bare 500', () => {
    const { body } = filter.toAnswer(new TypeError('secret stack detail'));
    expect(body).toMatchObject({ status: 500, detail: 'An unexpected error occurred.' });
  });

  it('keeps Nest HTTP exceptions as their status', () => {
    expect(filter.toAnswer(new NotFoundException('Cannot GET /x')).body).toMatchObject({
      status: 404,
      title: 'Not Found',
    });
  });
});
