import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { OtlpDecodeError } from './otlp-decode.error';
import {
  encodeExportResponse,
  encodeRpcStatus,
  OTLP_CONTENT_TYPES,
  RPC_CODE,
  type OtlpEncoding,
} from './otlp-response.codec';
import { spanRecords } from './span-record.mapper';
import type { TraceStore } from './trace.store';
import { decodeTraceRequestJson } from './trace-request-json.codec';
import { decodeTraceRequestProtobuf } from './trace-request-protobuf.codec';

const gunzipAsync = promisify(gunzip);

/** Too large, before or after gzip: answered 413. */
class BodyTooLargeError extends Error {}

function encodingOf(contentType: string | undefined): OtlpEncoding | undefined {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (media === OTLP_CONTENT_TYPES.protobuf) return 'protobuf';
  if (media === OTLP_CONTENT_TYPES.json) return 'json';
  return undefined;
}

function answer(
  res: ServerResponse,
  status: number,
  encoding: OtlpEncoding,
  body: Uint8Array,
  close = false,
): void {
  res.writeHead(status, {
    'content-type': OTLP_CONTENT_TYPES[encoding],
    'content-length': body.length,
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(body);
}

/** The body, at most `limit` bytes; stops reading (and throws) as soon as it is longer. */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > limit) throw new BodyTooLargeError();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, length);
}

async function inflate(body: Buffer, limit: number): Promise<Buffer> {
  try {
    return await gunzipAsync(body, { maxOutputLength: limit });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new BodyTooLargeError();
    throw new OtlpDecodeError(`the body is not valid gzip: ${(error as Error).message}`);
  }
}

/**
 * POST /v1/traces as OTLP/HTTP defines it: protobuf or JSON, gzip or not; 200 with an
 * ExportTraceServiceResponse in the request's encoding (a partial success when a trace was full),
 * else a google.rpc.Status: 415 for another media type or encoding, 413 past `maxBodyBytes`
 * (compressed or not), 400 for a body that does not decode.
 */
export async function ingestTraces(
  req: IncomingMessage,
  res: ServerResponse,
  store: TraceStore,
  maxBodyBytes: number,
): Promise<void> {
  const encoding = encodingOf(req.headers['content-type']);
  const contentEncoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (!encoding || (contentEncoding !== 'identity' && contentEncoding !== 'gzip')) {
    req.resume();
    const detail = !encoding
      ? `Content-Type must be ${OTLP_CONTENT_TYPES.protobuf} or ${OTLP_CONTENT_TYPES.json}, got "${req.headers['content-type'] ?? ''}"`
      : `Content-Encoding must be gzip or none, got "${contentEncoding}"`;
    answer(res, 415, 'json', encodeRpcStatus('json', RPC_CODE.invalidArgument, detail));
    return;
  }
  try {
    const raw = await readBody(req, maxBodyBytes);
    const body = contentEncoding === 'gzip' ? await inflate(raw, maxBodyBytes) : raw;
    const request =
      encoding === 'protobuf'
        ? decodeTraceRequestProtobuf(body)
        : decodeTraceRequestJson(body.toString('utf8'));
    const outcome = store.add(spanRecords(request));
    answer(res, 200, encoding, encodeExportResponse(encoding, outcome.refused, outcome.message));
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      // The rest of the body is not worth reading: discard it, and close once answered.
      req.resume();
      const detail = `the body is larger than ${maxBodyBytes} bytes (before or after gzip); send smaller batches`;
      answer(
        res,
        413,
        encoding,
        encodeRpcStatus(encoding, RPC_CODE.resourceExhausted, detail),
        true,
      );
      return;
    }
    if (error instanceof OtlpDecodeError) {
      answer(
        res,
        400,
        encoding,
        encodeRpcStatus(encoding, RPC_CODE.invalidArgument, error.message),
      );
      return;
    }
    throw error;
  }
}
