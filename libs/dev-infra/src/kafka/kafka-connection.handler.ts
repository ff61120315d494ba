import * as net from 'node:net';
import { dispatchRequest, apiName, handlerFor } from './api-registry';
import { ApiKey, ConnectionScope, RequestHeader } from './api-handler.types';
import { BrokerContext } from './broker.context';
import { MalformedRequestError, ProtocolReader } from './protocol-reader.codec';
import { frameResponse, readRequestHeader, responseHeaderVersion } from './request-header.codec';

/** Kafka's default socket.request.max.bytes; anything larger is treated as garbage. */
const MAX_FRAME_BYTES = 100 * 1024 * 1024;
// api key + version + correlation id + client id length.
const MIN_FRAME_BYTES = 10;

/** What a connection may ask before it has authenticated, when the broker requires SASL. */
const BEFORE_AUTHENTICATION = new Set<number>([
  ApiKey.ApiVersions,
  ApiKey.SaslHandshake,
  ApiKey.SaslAuthenticate,
]);

interface ResponseSlot {
  done: boolean;
  frame: Buffer | null;
}

/**
 * Serves one client connection: splits the byte stream into frames, runs requests concurrently
 * (JoinGroup and Fetch may be held) but writes answers in request order, as Kafka guarantees.
 * Anything undecodable closes this connection only.
 */
export function serveConnection(socket: net.Socket, broker: BrokerContext): void {
  const closeCallbacks = new Set<() => void>();
  const slots: ResponseSlot[] = [];
  const chunks: Buffer[] = [];
  let buffered = 0;
  let closed = false;
  let endOnceAnswered = false;
  const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;

  const scope: ConnectionScope = {
    clientHost: `/${socket.remoteAddress ?? 'unknown'}`,
    sasl: { mechanism: null, exchange: null, authenticatedAs: null },
    closeAfterResponse() {
      endOnceAnswered = true;
    },
    onClose(callback) {
      closeCallbacks.add(callback);
      return () => closeCallbacks.delete(callback);
    },
  };

  /** Ends the connection: at once, or (graceful) after what was written reaches the client. */
  const close = (reason: string | null, graceful = false): void => {
    if (closed) return;
    closed = true;
    if (reason !== null) broker.logger.warn(`closing connection ${peer}: ${reason}`);
    if (graceful) socket.end();
    else socket.destroy();
    for (const callback of [...closeCallbacks]) callback();
    closeCallbacks.clear();
  };

  const flush = (): void => {
    while (slots.length > 0 && slots[0].done) {
      const slot = slots.shift();
      if (slot?.frame && !closed) socket.write(slot.frame);
    }
    if (endOnceAnswered && slots.length === 0) close(null, true);
  };

  const handleFrame = (frame: Buffer): void => {
    const reader = new ProtocolReader(frame);
    let header: RequestHeader;
    let flexible = false;
    try {
      header = readRequestHeader(reader);
      flexible =
        handlerFor(header.apiKey, header.apiVersion)?.isFlexible(header.apiVersion) ?? false;
      if (flexible) reader.skipTaggedFields();
    } catch (error) {
      close(error instanceof Error ? error.message : 'unreadable request header');
      return;
    }
    if (
      broker.sasl !== null &&
      scope.sasl.authenticatedAs === null &&
      !BEFORE_AUTHENTICATION.has(header.apiKey)
    ) {
      // Kafka's SASL listeners drop a connection that asks anything else before authenticating.
      close(`${apiName(header.apiKey)} request before SASL authentication refused`);
      return;
    }
    const slot: ResponseSlot = { done: false, frame: null };
    slots.push(slot);
    Promise.resolve()
      .then(() => dispatchRequest({ header, body: reader, broker, connection: scope }))
      .then(
        (body) => {
          slot.done = true;
          slot.frame =
            body === null
              ? null
              : frameResponse(
                  header.correlationId,
                  body,
                  responseHeaderVersion(header.apiKey, flexible),
                );
          flush();
        },
        (error: unknown) => {
          const detail = error instanceof Error ? error.message : String(error);
          const kind = error instanceof MalformedRequestError ? 'malformed' : 'failed';
          close(`${kind} ${apiName(header.apiKey)} v${header.apiVersion} request: ${detail}`);
        },
      );
  };

  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    buffered += chunk.length;
    while (!closed && buffered >= 4) {
      const head = chunks[0].length >= 4 ? chunks[0] : Buffer.concat(chunks);
      const size = head.readInt32BE(0);
      if (size < MIN_FRAME_BYTES || size > MAX_FRAME_BYTES) {
        close(`invalid frame size ${size}`);
        return;
      }
      if (buffered < 4 + size) return;
      const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      const frame = all.subarray(4, 4 + size);
      const rest = all.subarray(4 + size);
      chunks.length = 0;
      buffered = rest.length;
      if (rest.length > 0) chunks.push(rest);
      handleFrame(frame);
    }
  });
  socket.on('error', () => close(null));
  socket.on('close', () => close(null));
}
