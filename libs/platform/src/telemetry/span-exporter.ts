import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { TelemetryConfig } from './telemetry-config';

/**
 * The exporter OTEL_TRACES_EXPORTER and OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL name; undefined for
 * `none`. Each OTLP exporter reads its endpoint, headers, timeout and compression from the
 * standard variables itself.
 */
export function spanExporter(config: TelemetryConfig): SpanExporter | undefined {
  if (config.OTEL_TRACES_EXPORTER === 'none') return undefined;
  if (config.OTEL_TRACES_EXPORTER === 'console') return new ConsoleSpanExporter();
  switch (config.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? config.OTEL_EXPORTER_OTLP_PROTOCOL) {
    case 'grpc':
      return new GrpcTraceExporter();
    case 'http/json':
      return new JsonTraceExporter();
    case 'http/protobuf':
      return new ProtobufTraceExporter();
  }
}
