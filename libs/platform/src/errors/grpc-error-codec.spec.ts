import { Metadata, status } from '@grpc/grpc-js';
import { DomainError } from './domain-error';
import { decodeGrpcError, toGrpcError } from './grpc-error-codec';
import { httpForGrpcStatus } from './status-mapping';

describe('domain errors across gRPC', () => {
  it('carries the code and every field violation to the caller', () => {
    const error = DomainError.invalid([
      { field: 'limit', description: 'must be from 1 to 100' },
      { field: 'genre', description: 'unknown genre' },
    ]);
    const sent = toGrpcError(error);
    expect(sent.code).toBe(status.INVALID_ARGUMENT);
    const received = decodeGrpcError(
      Object.assign(new Error(sent.details), {
        code: sent.code,
        details: sent.details,
        metadata: sent.metadata,
      }),
    );
    expect(received).toEqual({
      code: status.INVALID_ARGUMENT,
      message: 'The request is invalid.',
      errorCode: 'VALIDATION_FAILED',
      fieldViolations: error.fieldViolations,
    });
  });

  it('reveals nothing of an unexpected error', () => {
    const sent = toGrpcError(new TypeError("Cannot read properties of undefined (reading 'map')"));
    expect(sent).toMatchObject({ code: status.INTERNAL, details: 'Internal error' });
    expect(sent.metadata.getMap()).toEqual({});
  });

  it('answers UNAVAILABLE, not INTERNAL, when the database cannot be reached', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    const shutdown = Object.assign(new Error('QueryFailedError'), {
      driverError: Object.assign(new Error('terminating connection'), { code: '57P01' }),
    });
    for (const error of [refused, shutdown, new Error('Connection terminated unexpectedly')]) {
      expect(toGrpcError(error)).toMatchObject({ code: status.UNAVAILABLE });
    }
    expect(httpForGrpcStatus(status.UNAVAILABLE)).toMatchObject({ status: 503 });
    // A query the database refuses is a bug, not an outage.
    const syntax = Object.assign(new Error('syntax error'), { code: '42601' });
    expect(toGrpcError(syntax)).toMatchObject({ code: status.INTERNAL });
  });

  it('decodes a failure without a trailer (a proxy, another service) to its status alone', () => {
    const received = decodeGrpcError(
      Object.assign(new Error('14 UNAVAILABLE: connect ECONNREFUSED'), {
        code: status.UNAVAILABLE,
        details: 'connect ECONNREFUSED',
        metadata: new Metadata(),
      }),
    );
    expect(received).toEqual({
      code: status.UNAVAILABLE,
      message: 'connect ECONNREFUSED',
      errorCode: undefined,
      fieldViolations: [],
    });
  });
});

describe('the one gRPC -> HTTP table', () => {
  it.each([
    [status.INVALID_ARGUMENT, 400, undefined],
    [status.NOT_FOUND, 404, undefined],
    [status.ALREADY_EXISTS, 409, undefined],
    [status.ABORTED, 409, undefined],
    [status.FAILED_PRECONDITION, 412, undefined],
    [status.PERMISSION_DENIED, 403, undefined],
    [status.UNAUTHENTICATED, 401, undefined],
    [status.RESOURCE_EXHAUSTED, 429, 1],
    [status.UNAVAILABLE, 503, 1],
    [status.DEADLINE_EXCEEDED, 504, 1],
    [status.INTERNAL, 500, undefined],
  ])('gRPC %s is HTTP %s (Retry-After %s)', (code, httpStatus, retryAfter) => {
    const mapping = httpForGrpcStatus(code);
    expect(mapping.status).toBe(httpStatus);
    expect(mapping.retryAfterSeconds).toBe(retryAfter);
  });
});
