import { parseConfig } from '../config/load-config';
import { configProblems } from '../testing/config-problems';
import { telemetryConfigSchema } from './telemetry-config';

const problemsOf = (env: NodeJS.ProcessEnv) => configProblems(telemetryConfigSchema, env);

describe('the OpenTelemetry variables a service reads', () => {
  it('exports OTLP over HTTP with protobuf when nothing is set', () => {
    expect(parseConfig(telemetryConfigSchema, {})).toMatchObject({
      OTEL_SDK_DISABLED: false,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    });
  });

  it('takes every standard protocol, sampler and a ratio', () => {
    for (const protocol of ['http/protobuf', 'http/json', 'grpc']) {
      expect(problemsOf({ OTEL_EXPORTER_OTLP_PROTOCOL: protocol })).toEqual([]);
    }
    expect(
      parseConfig(telemetryConfigSchema, {
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        OTEL_SDK_DISABLED: 'true',
      }),
    ).toMatchObject({ OTEL_TRACES_SAMPLER_ARG: 0.25, OTEL_SDK_DISABLED: true });
  });

  it('names every bad variable at once, with what was expected', () => {
    const problems = problemsOf({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuff',
      OTEL_TRACES_SAMPLER: 'jaeger_remote',
      OTEL_TRACES_SAMPLER_ARG: '1.5',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
    });
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/OTEL_EXPORTER_OTLP_PROTOCOL: .*"http\/protobuff"/);
    expect(problems.join('\n')).toMatch(/OTEL_TRACES_SAMPLER: .*"jaeger_remote"/);
    expect(problems.join('\n')).toMatch(
      /OTEL_TRACES_SAMPLER_ARG: expected a probability from 0 to 1/,
    );
    expect(problems.join('\n')).toMatch(
      /OTEL_EXPORTER_OTLP_ENDPOINT: expected a URL starting with http/,
    );
  });
});
