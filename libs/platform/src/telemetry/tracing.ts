// The entry point, not the contracts' barrel, which loads grpc-js before the instrumentations
// could patch it (tracing.spec.ts).
import { isSupervisionMessage, tellSupervisor } from '@kinema/contracts/supervision';
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import {
  defaultResource,
  detectResources,
  envDetector,
  resourceFromAttributes,
} from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { isMainThread } from 'node:worker_threads';
import { loadConfigOrExit } from '../config/load-config';
import { REPLICA_NAME } from '../config/replica-name';
import { FollowLinksSampler } from './follow-links.sampler';
import { PooledIdGenerator } from './pooled-id-generator';
import { kinemaInstrumentations } from './instrumentations';
import { spanExporter } from './span-exporter';
import { telemetryConfigSchema, type TelemetryConfig } from './telemetry-config';

/**
 * The share of new traces kept when OTEL_TRACES_SAMPLER is not set (a request that arrives with a
 * sampled `traceparent` is always kept): docs/performance.md gives what tracing costs per request
 * at each ratio. `npm start` keeps every trace (its launcher sets parentbased_always_on).
 */
export const DEFAULT_TRACE_SAMPLE_RATIO = 0.01;

let provider: NodeTracerProvider | undefined;

/** Resource attributes Kinema sets before OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES apply. */
function kinemaResourceAttributes(service: string) {
  return {
    [ATTR_SERVICE_NAME]: service,
    'service.namespace': 'kinema',
    // The replica: the pod's name on Kubernetes, `catalog-2` under npm start.
    'service.instance.id': REPLICA_NAME,
    'process.pid': process.pid,
  };
}

function sampler(config: TelemetryConfig): Sampler | undefined {
  // Set: the SDK builds the named sampler itself, from the same two variables.
  if (config.OTEL_TRACES_SAMPLER) return undefined;
  return new ParentBasedSampler({
    root: new FollowLinksSampler(new TraceIdRatioBasedSampler(DEFAULT_TRACE_SAMPLE_RATIO)),
  });
}

/** The SDK's own diagnostics (export failures, mostly) as JSON lines like the service's logs. */
function diagLogger(service: string): DiagLogger {
  const write =
    (level: string) =>
    (message: string, ...args: unknown[]) =>
      process.stderr.write(
        `${JSON.stringify({
          level,
          time: new Date().toISOString(),
          service,
          component: 'opentelemetry',
          msg: [message, ...args.map(String)].join(' '),
        })}\n`,
      );
  return {
    error: write('error'),
    warn: write('warn'),
    info: write('info'),
    debug: write('debug'),
    verbose: write('trace'),
  };
}

/**
 * Starts tracing for this process: the OpenTelemetry tracer provider configured by the standard
 * OTEL_* variables, and the instrumentations of every client library Kinema uses. It must run
 * before those libraries are loaded (each app's `instrumentation.ts`, imported first by its
 * `main.ts`), since instrumentations patch modules as they are required.
 *
 * Hand-assembled from the SDK's parts rather than `@opentelemetry/sdk-node`'s NodeSDK: NodeSDK
 * also loads the metrics and logs pipelines and their exporters, which Kinema does not use
 * (metrics are Prometheus, logs are pino on stdout); measured, it cost 19 MiB more resident memory
 * per process than these parts (docs/performance.md).
 */
export function startTelemetry(service: string): void {
  const config = loadConfigOrExit(service, telemetryConfigSchema);
  if (config.OTEL_SDK_DISABLED || provider) return;
  diag.setLogger(diagLogger(service), DiagLogLevel.WARN);
  const exporter = spanExporter(config);
  const configuredSampler = sampler(config);
  provider = new NodeTracerProvider({
    resource: defaultResource()
      .merge(resourceFromAttributes(kinemaResourceAttributes(service)))
      .merge(detectResources({ detectors: [envDetector] })),
    ...(configuredSampler ? { sampler: configuredSampler } : {}),
    idGenerator: new PooledIdGenerator(),
    spanProcessors: exporter ? [new BatchSpanProcessor(exporter)] : [],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: kinemaInstrumentations(),
  });
  // Started by a local supervisor (npm start's launcher): it may ask for the waiting spans.
  if (process.send && isMainThread) process.on('message', flushWhenAsked);
}

/**
 * Exports the spans waiting in the batch when the supervisor asks (`kinema trace`, before it
 * reads the receiver): a request made just before would otherwise be missing from its own
 * waterfall for up to OTEL_BSP_SCHEDULE_DELAY, and `trace last` would show the one before.
 */
function flushWhenAsked(message: unknown): void {
  if (!isSupervisionMessage(message) || message.type !== 'kinema.flush-traces') return;
  const { id } = message;
  (provider?.forceFlush() ?? Promise.resolve()).then(
    () => tellSupervisor({ type: 'kinema.traces-flushed', id }),
    (error: unknown) => tellSupervisor({ type: 'kinema.traces-flushed', id, error: String(error) }),
  );
}

/**
 * Sends the spans still buffered and stops tracing; call last when the process stops. Spans the
 * destination does not take are reported like any failed export, not thrown: the process's work
 * is done, and a trace backend that is away must not turn its exit into a failure.
 */
export async function shutdownTelemetry(): Promise<void> {
  const running = provider;
  provider = undefined;
  process.off('message', flushWhenAsked);
  try {
    await running?.shutdown();
  } catch (error) {
    diag.error('the spans still buffered were not sent:', String(error));
  }
}
