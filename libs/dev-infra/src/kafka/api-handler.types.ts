import { BrokerContext } from './broker.context';
import { ProtocolReader } from './protocol-reader.codec';
import { versionRange, VersionRange, Wire, WireType } from './protocol-schema.codec';
import { ProtocolWriter } from './protocol-writer.codec';
import type { SaslExchange, SaslMechanism } from './sasl-mechanisms';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** Where a connection stands in SASL authentication (when the broker requires it). */
export interface SaslConnectionState {
  mechanism: SaslMechanism | null;
  /** The exchange SaslHandshake began, until it succeeds or fails. */
  exchange: SaslExchange | null;
  authenticatedAs: string | null;
}

/** What a handler may know about the connection a request came in on. */
export interface ConnectionScope {
  clientHost: string;
  sasl: SaslConnectionState;
  /** Closes the connection once this request's answer is written (a failed authentication). */
  closeAfterResponse(): void;
  /** Registers a callback for when the connection closes; returns an unregister function. */
  onClose(callback: () => void): () => void;
}

export interface RequestContext {
  header: RequestHeader;
  body: ProtocolReader;
  broker: BrokerContext;
  connection: ConnectionScope;
}

/** Response body (without header), or null when the request expects none (Produce with acks=0). */
export type ApiResponse = Buffer | null;

export interface ApiHandler {
  apiKey: number;
  name: string;
  minVersion: number;
  maxVersion: number;
  /** Whether a version uses the flexible encoding (request header v2, compact fields, tags). */
  isFlexible(version: number): boolean;
  handle(context: RequestContext): ApiResponse | Promise<ApiResponse>;
}

export interface ApiDefinition<Req, Res> {
  apiKey: number;
  name: string;
  minVersion: number;
  maxVersion: number;
  /** Kafka's `flexibleVersions` for this API ("none" when it has none). */
  flexibleVersions: VersionRange;
  request: WireType<Req>;
  response: WireType<Res>;
  /** Answers a decoded request; null sends no answer (Produce with acks=0). */
  handle(request: Req, context: RequestContext): Res | null | Promise<Res | null>;
}

/** Turns a message-level definition into a handler: decode at the request's version, encode back. */
export function defineApi<Req, Res>(definition: ApiDefinition<Req, Res>): ApiHandler {
  const isFlexible = versionRange(definition.flexibleVersions);
  return {
    apiKey: definition.apiKey,
    name: definition.name,
    minVersion: definition.minVersion,
    maxVersion: definition.maxVersion,
    isFlexible,
    async handle(context) {
      const version = context.header.apiVersion;
      const wire: Wire = { version, flexible: isFlexible(version) };
      const request = definition.request.read(context.body, wire);
      const response = await definition.handle(request, context);
      if (response === null) return null;
      const writer = new ProtocolWriter(256);
      definition.response.write(writer, response, wire);
      return writer.toBuffer();
    },
  };
}

export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  SaslHandshake: 17,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  InitProducerId: 22,
  DescribeConfigs: 32,
  SaslAuthenticate: 36,
  DeleteGroups: 42,
} as const;
