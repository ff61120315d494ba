import { ApiHandler, ApiKey } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { ProtocolWriter } from './protocol-writer.codec';

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

function writeRanges(writer: ProtocolWriter, ranges: readonly ApiVersionRange[]): ProtocolWriter {
  return writer.array(ranges, (w, range) =>
    w.int16(range.apiKey).int16(range.minVersion).int16(range.maxVersion),
  );
}

/**
 * The answer to any request this broker cannot serve: UNSUPPORTED_VERSION in the ApiVersions v0
 * layout (error code first, then what is supported), which is what Kafka itself sends back to an
 * ApiVersions request of too new a version, so a client can still read the error and fall back.
 */
export function unsupportedRequestBody(ranges: readonly ApiVersionRange[]): Buffer {
  return writeRanges(new ProtocolWriter().int16(ErrorCode.UNSUPPORTED_VERSION), ranges).toBuffer();
}

/** ApiVersions v0-v2; the list comes from the registry so it can never disagree with dispatch. */
export function createApiVersionsApi(ranges: () => readonly ApiVersionRange[]): ApiHandler {
  return {
    apiKey: ApiKey.ApiVersions,
    name: 'ApiVersions',
    minVersion: 0,
    maxVersion: 2,
    handle({ header }) {
      const writer = writeRanges(new ProtocolWriter().int16(ErrorCode.NONE), ranges());
      if (header.apiVersion >= 1) writer.int32(0);
      return writer.toBuffer();
    },
  };
}
