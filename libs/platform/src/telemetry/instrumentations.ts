import { CE_TRACING_HEADERS } from '@kinema/contracts/events';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { LOG_TRACE_KEYS } from '../logging/trace-fields';
import { linkFromHeaders } from './trace-context';

/** The health and reflection services: probes and tools, not the services' work. */
const OPS_RPC_METHODS = ['Check', 'Watch', 'ServerReflectionInfo'];

/**
 * The instrumentations of every Kinema process: outgoing HTTP, gRPC clients and servers, pg, kafkajs,
 * ioredis, undici, and pino (log lines carry `trace_id` and `span_id`). Client spans are only
 * made inside a trace: background loops (the outbox relay's polling, the trending job, keepalives)
 * would otherwise start a trace for every query they run.
 */
export function kinemaInstrumentations(): Instrumentation[] {
  return [
    // Outgoing only (the S3 client's calls): the gateway makes its server spans in its own request
    // hooks, at a small part of the incoming side's cost (apps/gateway/src/http/server-span.ts),
    // and the services answer no HTTP but probes and scrapes.
    new HttpInstrumentation({
      disableIncomingRequestInstrumentation: true,
      requireParentforOutgoingSpans: true,
    }),
    new GrpcInstrumentation({ ignoreGrpcMethods: OPS_RPC_METHODS }),
    // Its connect spans stay: they show a request waiting for a pooled connection, and without
    // them the instrumentation no longer carries the trace into a query that had to wait.
    new PgInstrumentation({ requireParentSpan: true }),
    new KafkaJsInstrumentation({
      // Kafka's `traceparent` makes the processing span a child of the relay's send; the event's
      // own trace context (the request that made the change) becomes a link, as the messaging
      // semantic conventions ask of consumers.
      consumerHook: (span, { message }) => {
        const link = linkFromHeaders(message.headers, CE_TRACING_HEADERS);
        if (link) span.addLink(link);
      },
    }),
    new IORedisInstrumentation({ requireParentSpan: true }),
    new UndiciInstrumentation({ requireParentforSpans: true }),
    new PinoInstrumentation({ disableLogSending: true, logKeys: LOG_TRACE_KEYS }),
  ];
}
