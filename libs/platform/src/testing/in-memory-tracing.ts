import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** Tracing for a test: every span kept (the SDK's default sampler) and held in memory. */
export interface InMemoryTracing {
  /** The spans ended since start (or since `spans.reset()`). */
  spans: InMemorySpanExporter;
  /** Registers the provider, its context manager and propagator as the process's own. */
  start(): void;
  /** Shuts the provider down and leaves the API as it was before start: no tracing. */
  stop(): Promise<void>;
}

/** A tracer provider for a test file, registered in its beforeAll and stopped in its afterAll. */
export function inMemoryTracing(): InMemoryTracing {
  const spans = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  return {
    spans,
    start: () => provider.register(),
    stop: async () => {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
