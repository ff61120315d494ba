import { Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import {
  ERROR_INFO_TRAILER,
  ErrorInfo,
  isServiceErrorCode,
  type ServiceErrorCode,
} from '@kinema/contracts';
import { DomainError, type FieldViolation } from './domain-error';
import { grpcStatusByKind } from './status-mapping';

export interface GrpcErrorPayload {
  code: GrpcStatus;
  details: string;
  metadata: Metadata;
}

/** Turns any thrown value into what a gRPC handler answers; internals are never revealed. */
export function toGrpcError(error: unknown): GrpcErrorPayload {
  const metadata = new Metadata();
  if (error instanceof DomainError) {
    const info = ErrorInfo.encode({ code: error.code, fieldViolations: error.fieldViolations });
    metadata.set(ERROR_INFO_TRAILER, Buffer.from(info.finish()));
    return { code: grpcStatusByKind[error.kind], details: error.message, metadata };
  }
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
