import { BrokerContext } from './broker.context';
import { ProtocolReader } from './protocol-reader.codec';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

/** What a handler may know about the connection a request came in on. */
export interface ConnectionScope {
  clientHost: string;
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
  handle(context: RequestContext): ApiResponse | Promise<ApiResponse>;
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
  ApiVersions: 18,
  CreateTopics: 19,
  InitProducerId: 22,
} as const;
