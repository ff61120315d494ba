import {
  credentials,
  InterceptingCall,
  Metadata,
  type ChannelOptions,
  type Client,
  type ClientOptions,
  type ChannelCredentials,
  type Interceptor,
  type StatusObject,
} from '@grpc/grpc-js';
import { SpanKind, trace, type Span } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT } from '@opentelemetry/semantic-conventions';
import {
  REQUEST_ID_METADATA,
  SERVED_BY_METADATA,
  SUPERVISOR_TARGET_SCHEME,
} from '@kinema/contracts';
import { callLatencyInterceptor } from '../faults/call-latency.interceptor';
import { callerGoneInterceptor } from './caller-gone.interceptor';
import { committedReadRetryInterceptor } from './committed-read-retry.interceptor';
import { currentRequestId, recordServedBy } from '../logging/request-context';
import { registerSupervisorResolver, supervisedService } from './supervisor-resolver';

export interface GrpcClientConfig {
  /**
   * `dns:///host:port` (round-robin over every address), `ipv4:a:p,b:p`, `a:p,b:p` of IPs, or
   * `supervisor:///service` (the ready replicas npm start's launcher announces).
   */
  target: string;
  /** Fully qualified service name, e.g. `kinema.catalog.v1.CatalogService`. */
  service: string;
  /** RPC names (as in the .proto) that are safe to send twice: idempotent reads only. */
  idempotentMethods: readonly string[];
  /** Deadline applied to every call that does not set its own. */
  deadlineMs: number;
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

/**
 * How a client routes around a replica that hangs or dies, on every resolver (the launcher's, or
 * DNS over a headless Service): all grpc-js's own mechanisms, described in docs/resilience.md.
 */
export const FAILOVER = {
  /** A read with no answer after this long is also sent to the next replica (hedged). */
  hedgingDelayMs: 500,
  /**
   * Attempts of one read at most, the first included (grpc-js's cap). Round robin may hand a hedge
   * to the hung replica again before it leaves rotation; when its connection is then dropped, the
   * attempts left go to the others at once.
   */
  readAttempts: 5,
  /** A connection is pinged this long after its last ping was answered... */
  keepaliveTimeMs: 1_000,
  /** ...and dropped when the answer takes longer: a hung replica leaves rotation within ~2 s. */
  keepaliveTimeoutMs: 1_000,
  /** Outlier detection counts each replica's finished calls over this interval... */
  ejectionIntervalMs: 500,
  /** ...and ejects one whose calls failed (a hedge that lost counts) above this share... */
  ejectionFailurePercent: 85,
  /** ...once it finished at least this many calls in the interval. */
  ejectionRequestVolume: 5,
  /** An ejected replica is re-admitted after this, times the number of ejections in a row. */
  baseEjectionMs: 2_000,
  maxEjectionMs: 30_000,
} as const;

function duration(ms: number): { seconds: number; nanos: number } {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

/**
 * Channel options: round robin wrapped in outlier detection, keepalive that drops a silent
 * connection within ~2 s, and hedging for idempotent methods only (a write is sent once). A read
 * whose replica died after its answer began is sent once more by committedReadRetryInterceptor.
 */
export function grpcClientChannelOptions(config: GrpcClientConfig): ChannelOptions {
  const serviceConfig = {
    loadBalancingConfig: [
      {
        outlier_detection: {
          interval: duration(FAILOVER.ejectionIntervalMs),
          base_ejection_time: duration(FAILOVER.baseEjectionMs),
          max_ejection_time: duration(FAILOVER.maxEjectionMs),
          // grpc-js stops ejecting once this share is out: one of two or three replicas, two of
          // four to six; minimum_hosts keeps a lone replica in.
          max_ejection_percent: 33,
          failure_percentage_ejection: {
            threshold: FAILOVER.ejectionFailurePercent,
            enforcement_percentage: 100,
            minimum_hosts: 2,
            request_volume: FAILOVER.ejectionRequestVolume,
          },
          child_policy: [{ round_robin: {} }],
        },
      },
    ],
    methodConfig: [
      {
        name: config.idempotentMethods.map((method) => ({ service: config.service, method })),
        // Hedging, not a retry policy: grpc-js retries only on a status, and a hung replica
        // sends none until the deadline; a hedge also retries at once on UNAVAILABLE (a crash).
        hedgingPolicy: {
          maxAttempts: FAILOVER.readAttempts,
          hedgingDelay: `${FAILOVER.hedgingDelayMs / 1000}s`,
          nonFatalStatusCodes: ['UNAVAILABLE'],
        },
      },
    ],
  };
  return {
    'grpc.service_config': JSON.stringify(serviceConfig),
    'grpc.enable_retries': 1,
    'grpc.keepalive_time_ms': FAILOVER.keepaliveTimeMs,
    'grpc.keepalive_timeout_ms': FAILOVER.keepaliveTimeoutMs,
    'grpc.keepalive_permit_without_calls': 1,
    // Re-resolve DNS soon after a connection drops so new pods are found quickly.
    'grpc.dns_min_time_between_resolutions_ms': 5_000,
    'grpc.initial_reconnect_backoff_ms': 200,
    'grpc.max_reconnect_backoff_ms': 5_000,
  };
}

/**
 * Adds the default deadline, propagates the current request id in metadata, and records which
 * pod answered (the `x-served-by` its trailers carry) in the request context.
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
            onReceiveStatus(status: StatusObject, nextListener: (status: StatusObject) => void) {
              const servedBy = status.metadata.get(SERVED_BY_METADATA)[0];
              if (servedBy !== undefined) recordServedBy(servedBy.toString());
              nextListener(status);
            },
          });
        },
      },
    );
}

/**
 * Names the server on each call's client span for a `supervisor:///<service>` target: the gRPC
 * instrumentation reads `server.address` and `server.port` from the target as `host:port`, finds
 * neither in this one, and records the port as NaN, which a trace backend shows as such. The
 * service is the server's name; its replicas have no one port, so none is recorded. Interceptors
 * run as the call starts, in the context of the span the instrumentation made for it.
 */
function serverNameInterceptor(service: string): Interceptor {
  return (options, nextCall) => {
    // The SDK's span, which holds what it will export: the API has no way to read a span's kind
    // or take an attribute back.
    const span = trace.getActiveSpan() as (Span & Partial<ReadableSpan>) | undefined;
    if (span?.kind === SpanKind.CLIENT && span.attributes) {
      span.setAttribute(ATTR_SERVER_ADDRESS, service);
      if (Number.isNaN(span.attributes[ATTR_SERVER_PORT])) delete span.attributes[ATTR_SERVER_PORT];
    }
    return new InterceptingCall(nextCall(options));
  };
}

/** Builds a generated grpc-js client with Kinema's call policy (see GrpcClientConfig). */
export function createGrpcClient<C extends Client>(
  Ctor: ClientConstructor<C>,
  config: GrpcClientConfig,
): C {
  const target = normalizeTarget(config.target);
  const supervised = target.startsWith(`${SUPERVISOR_TARGET_SCHEME}:`);
  if (supervised) registerSupervisorResolver();
  // The package names the service that owns the API (`kinema.videos.v1.ArtworkService`: videos).
  const owner = /^kinema\.([a-z]+)\.v\d+\./.exec(config.service)?.[1];
  return new Ctor(target, credentials.createInsecure(), {
    ...grpcClientChannelOptions(config),
    // The deadline is set first, so the latency seam (inert unless FAULT_INJECTION) can honour it.
    interceptors: [
      contextInterceptor(config.deadlineMs),
      callerGoneInterceptor(config.service, config.idempotentMethods),
      ...(supervised ? [serverNameInterceptor(supervisedService(new URL(target).pathname))] : []),
      committedReadRetryInterceptor(config.service, config.idempotentMethods),
      ...(owner ? [callLatencyInterceptor(owner)] : []),
    ],
  });
}
