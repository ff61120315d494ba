import { ApiHandler, ApiKey, defineApi } from './api-handler.types';
import { ErrorCode } from './error-codes.constants';
import { int16, int32, list, str, struct } from './protocol-schema.codec';
import { ProtocolWriter } from './protocol-writer.codec';

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

const request = struct({
  clientSoftwareName: [str, '3+'],
  clientSoftwareVersion: [str, '3+'],
});

const response = struct({
  errorCode: [int16],
  apiKeys: [list(struct({ apiKey: [int16], minVersion: [int16], maxVersion: [int16] }))],
  throttleTimeMs: [int32, '1+'],
});

/**
 * The answer to a request this broker cannot serve: UNSUPPORTED_VERSION in the ApiVersions v0
 * layout (error code first, then what is supported), which is what Kafka itself sends back to an
 * ApiVersions request of too new a version, so a client can read the list and retry lower.
 */
export function unsupportedRequestBody(ranges: readonly ApiVersionRange[]): Buffer {
  return new ProtocolWriter()
    .int16(ErrorCode.UNSUPPORTED_VERSION)
    .array(ranges, (w, range) =>
      w.int16(range.apiKey).int16(range.minVersion).int16(range.maxVersion),
    )
    .toBuffer();
}

/**
 * ApiVersions v0-v4; the list comes from the registry so it can never disagree with dispatch.
 * From v3 the request is flexible (request header v2), but the response header stays v0 so that a
 * client can always read it (see `responseHeaderVersion`).
 */
export function createApiVersionsApi(ranges: () => readonly ApiVersionRange[]): ApiHandler {
  return defineApi({
    apiKey: ApiKey.ApiVersions,
    name: 'ApiVersions',
    minVersion: 0,
    maxVersion: 4,
    flexibleVersions: '3+',
    request,
    response,
    handle: () => ({ errorCode: ErrorCode.NONE, apiKeys: [...ranges()], throttleTimeMs: 0 }),
  });
}
