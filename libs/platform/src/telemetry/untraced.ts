import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';

/**
 * Runs `work` with tracing off: no span of its own, of the instrumented libraries (its SQL) or of
 * the outbox (its events carry no trace context). For bulk work no one asked for, such as the
 * demo seed: a span for each of its thousand events would bury the traces a user looks for.
 */
export function untraced<T>(work: () => Promise<T>): Promise<T> {
  return context.with(suppressTracing(context.active()), work);
}
