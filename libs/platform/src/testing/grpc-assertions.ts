import { decodeGrpcError, isServiceError, type DecodedGrpcError } from '../errors/grpc-error-codec';

/** The decoded failure (status, ErrorInfo code, field violations) of a gRPC call that must fail. */
export async function failureOf(call: Promise<unknown>): Promise<DecodedGrpcError> {
  try {
    await call;
  } catch (error) {
    if (isServiceError(error)) return decodeGrpcError(error);
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The value, or a test failure saying what was missing (instead of a non-null assertion). */
export function defined<T>(value: T | null | undefined, what = 'value'): T {
  if (value === null || value === undefined) throw new Error(`expected ${what} to be present`);
  return value;
}
