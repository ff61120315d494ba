import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import {
  ERROR_INFO_TRAILER,
  ErrorInfo,
  isServiceErrorCode,
  type ServiceErrorCode,
} from '@kinema/contracts';
import { CallerGoneError } from '../logging/request-context';
import { DomainError, type FieldViolation } from './domain-error';
import { grpcStatusByKind } from './status-mapping';

export interface GrpcErrorPayload {
  code: GrpcStatus;
  details: string;
  metadata: Metadata;
}

/** Node socket errors and PostgreSQL SQLSTATEs that mean "the database cannot be reached". */
const CONNECTION_FAILURES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  // connection_exception (08xxx) and operator_intervention (57P01 admin_shutdown, 57P02
  // crash_shutdown, 57P03 cannot_connect_now).
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
]);
const CONNECTION_FAILURE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Connection is not established|the database system is (starting up|shutting down)/i;

/**
 * An error and what it wraps, outermost first, three deep at most: TypeORM wraps the driver's
 * error in `driverError`, others name theirs `cause`.
 */
function* errorChain(error: unknown): Generator<object> {
  for (let current: unknown = error, depth = 0; current && depth < 3; depth++) {
    if (typeof current !== 'object') return;
    yield current;
    current =
      (current as { driverError?: unknown; cause?: unknown }).driverError ??
      (current as { cause?: unknown }).cause;
  }
}

/**
 * Whether an error means a dependency (the database) is unreachable rather than that the request
 * or the code is wrong: those are UNAVAILABLE (503 with Retry-After at the edge), not INTERNAL.
 */
export function isConnectionFailure(error: unknown): boolean {
  for (const current of errorChain(error)) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && CONNECTION_FAILURES.has(code)) return true;
    if (typeof message === 'string' && CONNECTION_FAILURE_MESSAGES.test(message)) return true;
  }
  return false;
}

/**
 * Whether an error is work refused because its caller had gone (CallerGoneError, which TypeORM
 * hands on wrapped in a QueryFailedError's `driverError`).
 */
export function isCallerGone(error: unknown): boolean {
  for (const current of errorChain(error)) if (current instanceof CallerGoneError) return true;
  return false;
}

/** Turns any thrown value into what a gRPC handler answers; internals are never revealed. */
export function toGrpcError(error: unknown): GrpcErrorPayload {
  const metadata = new Metadata();
  if (error instanceof DomainError) {
    const info = ErrorInfo.encode({ code: error.code, fieldViolations: error.fieldViolations });
    metadata.set(ERROR_INFO_TRAILER, Buffer.from(info.finish()));
    return { code: grpcStatusByKind[error.kind], details: error.message, metadata };
  }
  if (isConnectionFailure(error))
    return { code: GrpcStatus.UNAVAILABLE, details: 'The database is unavailable.', metadata };
  if (isCallerGone(error))
    return { code: GrpcStatus.CANCELLED, details: new CallerGoneError().message, metadata };
  return { code: GrpcStatus.INTERNAL, details: 'Internal error', metadata };
}

export interface DecodedGrpcError {
  code: GrpcStatus;
  message: string;
  errorCode?: ServiceErrorCode;
  fieldViolations: FieldViolation[];
}

/** Reads the status, message and `kinema.errors.v1.ErrorInfo` trailer of a failed client call. */
export function decodeGrpcError(error: ServiceError): DecodedGrpcError {
  const raw = error.metadata?.get(ERROR_INFO_TRAILER)[0];
  const info = Buffer.isBuffer(raw) ? ErrorInfo.decode(raw) : undefined;
  return {
    code: error.code,
    message: error.details || error.message,
    errorCode: isServiceErrorCode(info?.code) ? info.code : undefined,
    fieldViolations: info?.fieldViolations ?? [],
  };
}

export function isServiceError(error: unknown): error is ServiceError {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof (error as { code: unknown }).code === 'number' &&
    'metadata' in error
  );
}
