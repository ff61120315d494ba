/** The port of the embedded OTLP receiver unless OTLP_PORT says otherwise (4318 is often taken). */
export const OTLP_DEFAULT_PORT = 14318;

/** The variables that name a user's own OTLP endpoint, the traces-only one first (it wins). */
const ENDPOINT_VARIABLES = [
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
] as const;
const PROTOCOL_VARIABLES = [
  'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
] as const;
/** What the embedded receiver speaks (OTLP/HTTP); `grpc` needs an endpoint of the user's. */
const RECEIVER_PROTOCOLS = ['http/protobuf', 'http/json'];

/** Where the processes send their spans, decided from the launcher's environment. */
export type TracePlan =
  | { kind: 'embedded' }
  | { kind: 'external'; endpoint: string; variable: (typeof ENDPOINT_VARIABLES)[number] }
  | { kind: 'disabled' };

/** The same, once running: what `kinema trace` and the banner are told. */
export type TraceDestination =
  | { kind: 'embedded'; url: string }
  | { kind: 'external'; endpoint: string; variable: string }
  | { kind: 'disabled' };

/**
 * OTEL_SDK_DISABLED=true: no tracing, no receiver. An endpoint of the user's: every process sends
 * there, no receiver. Otherwise the embedded receiver, which takes OTLP/HTTP only, so a protocol
 * other than http/protobuf or http/json without an endpoint is refused, naming the variable.
 */
export function tracePlan(env: NodeJS.ProcessEnv): TracePlan {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return { kind: 'disabled' };
  for (const variable of ENDPOINT_VARIABLES) {
    const endpoint = env[variable]?.trim();
    if (endpoint) return { kind: 'external', endpoint, variable };
  }
  for (const variable of PROTOCOL_VARIABLES) {
    const protocol = env[variable]?.trim();
    if (protocol && !RECEIVER_PROTOCOLS.includes(protocol)) {
      throw new Error(
        `${variable}=${protocol} needs an OTLP endpoint of yours (set OTEL_EXPORTER_OTLP_ENDPOINT): ` +
          `the embedded trace receiver takes ${RECEIVER_PROTOCOLS.join(' and ')}`,
      );
    }
  }
  return { kind: 'embedded' };
}

/**
 * The OpenTelemetry variables of one service process: its service name, every OTEL_* variable of
 * the launcher's environment, and (unless the user set them) the embedded receiver's address,
 * OTLP/HTTP protobuf, every trace sampled (one learner's machine wants them all, the chart
 * decides otherwise) and spans exported within a second (so `kinema trace last` finds a request
 * just made).
 */
export function tracingEnv(
  service: string,
  plan: TracePlan,
  env: NodeJS.ProcessEnv,
  receiverAddress: () => string,
): Record<string, string> {
  const own = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[0].startsWith('OTEL_') && Boolean(entry[1]),
    ),
  );
  const unlessSet = (variable: string, value: string) =>
    own[variable] ? {} : { [variable]: value };
  return {
    ...own,
    OTEL_SERVICE_NAME: service,
    ...(plan.kind === 'embedded'
      ? {
          OTEL_EXPORTER_OTLP_ENDPOINT: `http://${receiverAddress()}`,
          ...(own['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL']
            ? {}
            : unlessSet('OTEL_EXPORTER_OTLP_PROTOCOL', 'http/protobuf')),
        }
      : {}),
    ...unlessSet('OTEL_TRACES_SAMPLER', 'parentbased_always_on'),
    ...unlessSet('OTEL_BSP_SCHEDULE_DELAY', '1000'),
  };
}

/** One line for the banner: where the traces are and how to see them. */
export function describeTraceDestination(destination: TraceDestination): string {
  switch (destination.kind) {
    case 'embedded':
      return `npm run kinema -- trace last   (collected at ${destination.url})`;
    case 'external':
      return `sent to ${destination.endpoint} (${destination.variable}); look them up there`;
    case 'disabled':
      return 'off (OTEL_SDK_DISABLED=true)';
  }
}
