import {
  credentials,
  InterceptingCall,
  Metadata,
  type ChannelOptions,
  type Client,
  type ClientOptions,
  type ChannelCredentials,
  type Interceptor,
} from '@grpc/grpc-js';
import {
  REQUEST_ID_METADATA,
  SERVED_BY_METADATA,
  SUPERVISOR_TARGET_SCHEME,
} from '@kinema/contracts';
import { callLatencyInterceptor } from '../faults/call-latency.interceptor';
import { currentRequestId, recordServedBy } from '../logging/request-context';
import { registerSupervisorResolver } from './supervisor-resolver';

export interface GrpcClientConfig {
  /**
   * `dns:///host:port` (round-robin over every address), `ipv4:a:p,b:p`, `a:p,b:p` of IPs, or
   * `supervisor:///service` (the ready replicas npm start's launcher announces).
   */
  target: string;
  /** Fully qualified service name, e.g. `kinema.catalog.v1.CatalogService`. */
  service: string;
  /** RPC names (as in the .proto) that are safe to retry: idempotent reads only. */
  idempotentMethods: readonly string[];
  /** Deadline applied to every call that does not set its own. */
  deadlineMs: number;
  maxRetryAttempts?: number;
}

type ClientConstructor<C extends Client> = new (
  address: string,
  creds: ChannelCredentials,
  options?: Partial<ClientOptions>,
) => C;

/** Accepts a plain list of IP:port pairs and turns it into the resolver syntax grpc-js expects. */
export function normalizeTarget(target: string): string {
  if (/^[a-z0-9+.-]+:\/\//i.test(target) || /^(dns|ipv4|ipv6|unix):/i.test(target)) return target;
  const parts = target.split(',').map((p) => p.trim().replace(/^localhost:/, '127.0.0.1:'));
  if (parts.length > 1 && parts.every((p) => /^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(p))) {
    return `ipv4:${parts.join(',')}`;
  }
  return `dns:///${parts[0]}`;
}

/** Channel options: round robin, keepalive, and retries for idempotent methods only. */
export function grpcClientChannelOptions(config: GrpcClientConfig): ChannelOptions {
  const serviceConfig = {
    loadBalancingConfig: [{ round_robin: {} }],
    methodConfig: [
      {
        name: config.idempotentMethods.map((method) => ({ service: config.service, method })),
        retryPolicy: {
          maxAttempts: config.maxRetryAttempts ?? 3,
          initialBackoff: '0.05s',
          maxBackoff: '0.5s',
          backoffMultiplier: 2,
          retryableStatusCodes: ['UNAVAILABLE'],
        },
      },
    ],
  };
  return {
    'grpc.service_config': JSON.stringify(serviceConfig),
    'grpc.enable_retries': 1,
    'grpc.keepalive_time_ms': 30_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
    // Re-resolve DNS soon after a connection drops so new pods are found quickly.
    'grpc.dns_min_time_between_resolutions_ms': 5_000,
    'grpc.initial_reconnect_backoff_ms': 200,
    'grpc.max_reconnect_backoff_ms': 5_000,
  };
}

/**
 * Adds the default deadline, propagates the current request id in metadata, and records which
 * pod answered (its `x-served-by` response metadata) in the request context.
 */
export function contextInterceptor(deadlineMs: number): Interceptor {
  return (options, nextCall) =>
    new InterceptingCall(
      nextCall({ ...options, deadline: options.deadline ?? Date.now() + deadlineMs }),
      {
        start(metadata: Metadata, _listener, next) {
          const requestId = currentRequestId();
          if (requestId && metadata.get(REQUEST_ID_METADATA).length === 0) {
            metadata.set(REQUEST_ID_METADATA, requestId);
          }
          // A partial listener: grpc-js passes every other event through unchanged.
          next(metadata, {
            onReceiveMetadata(received: Metadata, nextListener: (metadata: Metadata) => void) {
              const servedBy = received.get(SERVED_BY_METADATA)[0];
              if (servedBy !== undefined) recordServedBy(servedBy.toString());
              nextListener(received);
            },
          });
        },
      },
    );
}

/** Builds a generated grpc-js client with Kinema's call policy (see GrpcClientConfig). */
export function createGrpcClient<C extends Client>(
  Ctor: ClientConstructor<C>,
  config: GrpcClientConfig,
): C {
  const target = normalizeTarget(config.target);
  if (target.startsWith(`${SUPERVISOR_TARGET_SCHEME}:`)) registerSupervisorResolver();
  // The package names the service that owns the API (`kinema.videos.v1.ArtworkService`: videos).
  const owner = /^kinema\.([a-z]+)\.v\d+\./.exec(config.service)?.[1];
  return new Ctor(target, credentials.createInsecure(), {
    ...grpcClientChannelOptions(config),
    // The deadline is set first, so the latency seam (inert unless FAULT_INJECTION) can honour it.
    interceptors: [
      contextInterceptor(config.deadlineMs),
      ...(owner ? [callLatencyInterceptor(owner)] : []),
    ],
  });
}
