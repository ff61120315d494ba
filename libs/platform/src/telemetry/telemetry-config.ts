import { z } from 'zod';
import { envBool, envUrl } from '../config/env';

/** The samplers OTEL_TRACES_SAMPLER may name (the OpenTelemetry SDK's own set). */
const SAMPLERS = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
] as const;

const PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;

/**
 * The standard OpenTelemetry variables a service reads, checked at boot like the rest of its
 * configuration (the SDK itself would log a diagnostic and fall back to a default, which hides a
 * typo). Only the variables whose values Kinema chooses between are listed; the exporters read
 * the rest (headers, timeouts, compression, certificates) themselves.
 */
export const telemetryConfigSchema = z.object({
  OTEL_SDK_DISABLED: envBool(false),
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'console', 'none']).default('otlp'),
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(PROTOCOLS).default('http/protobuf'),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: z.enum(PROTOCOLS).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: envUrl(['http', 'https']).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: envUrl(['http', 'https']).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  OTEL_TRACES_SAMPLER: z.enum(SAMPLERS).optional(),
  OTEL_TRACES_SAMPLER_ARG: z.coerce
    .number({ error: 'expected a probability from 0 to 1' })
    .min(0, 'expected a probability from 0 to 1')
    .max(1, 'expected a probability from 0 to 1')
    .optional(),
  /**
   * The replica's name (the pod's on Kubernetes, the launcher's replica name under `npm start`):
   * its traces' service.instance.id, its `x-served-by`, the gateway's event consumer group. The
   * host name when unset.
   */
  POD_NAME: z.string().min(1).optional(),
});

export type TelemetryConfig = z.output<typeof telemetryConfigSchema>;
