import { trace } from '@opentelemetry/api';

/** The tracer of the outbox and the consumers' hand-written spans (no instrumentation has them). */
export const MESSAGING_TRACER = trace.getTracer('@kinema/platform/messaging');
