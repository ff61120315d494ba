import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ErrorKind } from './domain-error';

export const grpcStatusByKind: Record<ErrorKind, GrpcStatus> = {
  invalid_argument: GrpcStatus.INVALID_ARGUMENT,
  not_found: GrpcStatus.NOT_FOUND,
  already_exists: GrpcStatus.ALREADY_EXISTS,
  aborted: GrpcStatus.ABORTED,
  failed_precondition: GrpcStatus.FAILED_PRECONDITION,
  permission_denied: GrpcStatus.PERMISSION_DENIED,
  unauthenticated: GrpcStatus.UNAUTHENTICATED,
  resource_exhausted: GrpcStatus.RESOURCE_EXHAUSTED,
  unavailable: GrpcStatus.UNAVAILABLE,
};

export interface HttpMapping {
  status: number;
  title: string;
  /** Seconds a client should wait before retrying, sent as Retry-After. */
  retryAfterSeconds?: number;
}

// The one gRPC -> HTTP table (docs/api.md's conventions list it for users).
const httpByGrpcStatus: Partial<Record<GrpcStatus, HttpMapping>> = {
  [GrpcStatus.INVALID_ARGUMENT]: { status: 400, title: 'Bad Request' },
  [GrpcStatus.OUT_OF_RANGE]: { status: 400, title: 'Bad Request' },
  [GrpcStatus.NOT_FOUND]: { status: 404, title: 'Not Found' },
  [GrpcStatus.ALREADY_EXISTS]: { status: 409, title: 'Conflict' },
  [GrpcStatus.ABORTED]: { status: 409, title: 'Conflict' },
  [GrpcStatus.FAILED_PRECONDITION]: { status: 412, title: 'Precondition Failed' },
  [GrpcStatus.PERMISSION_DENIED]: { status: 403, title: 'Forbidden' },
  [GrpcStatus.UNAUTHENTICATED]: { status: 401, title: 'Unauthorized' },
  [GrpcStatus.RESOURCE_EXHAUSTED]: {
    status: 429,
    title: 'Too Many Requests',
    retryAfterSeconds: 1,
  },
  [GrpcStatus.UNAVAILABLE]: { status: 503, title: 'Service Unavailable', retryAfterSeconds: 1 },
  [GrpcStatus.DEADLINE_EXCEEDED]: { status: 504, title: 'Gateway Timeout', retryAfterSeconds: 1 },
  [GrpcStatus.CANCELLED]: { status: 503, title: 'Service Unavailable', retryAfterSeconds: 1 },
};

/** Maps a gRPC status to the HTTP answer the edge gives; anything unexpected is a 500. */
export function httpForGrpcStatus(code: GrpcStatus): HttpMapping {
  return httpByGrpcStatus[code] ?? { status: 500, title: 'Internal Server Error' };
}
