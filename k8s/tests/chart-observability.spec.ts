import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IServiceSpec } from 'kubernetes-models/v1/ServiceSpec';
import { parse } from 'yaml';
import { configMapData, containerEnv, samplePodFields } from './support/container-env';
import { releaseNamespace, render, renderError, runHelm, type RenderOptions } from './support/helm';
import {
  byKind,
  component,
  podTemplates,
  selects,
  serviceDeployment,
  spec,
  type K8sObject,
} from './support/k8s-objects';
import { chartDir, serviceNames } from './support/repo';

const bundled: RenderOptions = { valuesFile: 'observability-values.yaml' };
const external: RenderOptions = { valuesFile: 'observability-external-values.yaml' };
const host = (name: string) => `kinema-${name}.${releaseNamespace}.svc.cluster.local`;

function env(objects: readonly K8sObject[], service: string): Record<string, string> {
  const container = serviceDeployment(objects, service)?.spec.containers[0];
  if (!container) throw new Error(`${service} not rendered`);
  return containerEnv(objects, container, () => 'sample-secret');
}

function otelEnv(objects: readonly K8sObject[], service: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env(objects, service)).filter(([name]) => name.startsWith('OTEL_')),
  );
}

/** OTEL_RESOURCE_ATTRIBUTES as the SDK reads it: comma-separated key=value pairs. */
function resourceAttributes(value: string | undefined): Record<string, string> {
  return Object.fromEntries((value ?? '').split(',').map((pair) => pair.split('=', 2)));
}

function container(objects: readonly K8sObject[], name: string): IContainer {
  const found = podTemplates(objects).find(({ labels }) => component(labels) === name)?.spec
    .containers[0];
  if (!found) throw new Error(`no ${name} pod rendered`);
  return found;
}

/** A component's configuration file, parsed (the ConfigMap named after the component). */
function configOf(objects: readonly K8sObject[], name: string): Record<string, unknown> {
  const text = configMapData(objects).get(`kinema-${name}`)?.['config.yaml'];
  if (!text) throw new Error(`no kinema-${name} ConfigMap with config.yaml`);
  return parse(text) as Record<string, unknown>;
}

/** Reads a nested value by path, e.g. at(config, 'receivers.otlp.protocols.grpc.endpoint'). */
function at(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (node, key) =>
        node !== null && typeof node === 'object'
          ? (node as Record<string, unknown>)[key]
          : undefined,
      value,
    );
}

const portOf = (address: unknown) => Number(/:(\d+)$/.exec(String(address))?.[1]);

/** The container port a Service port of `service` leads to, on the pods it selects. */
function servicePortTarget(objects: readonly K8sObject[], service: string, port: number) {
  const svc = byKind(objects, 'Service').find((s) => s.metadata.name === service);
  if (!svc) throw new Error(`no Service ${service}`);
  const s = spec<IServiceSpec>(svc);
  const target = s.ports?.find((p) => p.port === port)?.targetPort;
  const pod = podTemplates(objects).find(({ labels }) => selects(s.selector, labels));
  const named = pod?.spec.containers
    .flatMap((c) => c.ports ?? [])
    .find((p) => p.name === target || p.containerPort === target);
  return { component: component(pod?.labels), containerPort: named?.containerPort };
}

const telemetryObjects = (objects: readonly K8sObject[]) =>
  objects.filter(
    (o) =>
      ['otel-collector', 'jaeger', 'dashboards', 'metrics'].includes(
        component(o.metadata.labels) ?? '',
      ) || /-otlp$/.test(o.metadata.name),
  );

describe('with observability off (the defaults)', () => {
  const objects = render();

  it('renders no collector, Jaeger, dashboards, monitor or tracing policy', () => {
    expect(telemetryObjects(objects).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  });

  it.each([...serviceNames])(
    '%s gets OTEL_SDK_DISABLED=true and nothing else to export with',
    (name) => {
      expect(otelEnv(objects, name)).toEqual({ OTEL_SDK_DISABLED: 'true' });
    },
  );

  it.each([...serviceNames])(
    '%s still knows its pod name (x-served-by; the gateway names its event group after it)',
    (name) => {
      const pod = samplePodFields(container(objects, name))['metadata.name'];
      expect(env(objects, name)['POD_NAME']).toBe(pod);
    },
  );
});

describe('traces to the bundled collector', () => {
  const objects = render(bundled);

  it.each([...serviceNames])(
    '%s names itself, the collector, the protocol, its pod and version',
    (name) => {
      const otel = otelEnv(objects, name);
      expect(otel).toEqual({
        OTEL_SERVICE_NAME: name,
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://${host('otel-collector')}:4318`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_RESOURCE_ATTRIBUTES: expect.any(String),
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
      });
      const pod = samplePodFields(container(objects, name))['metadata.name'];
      expect(resourceAttributes(otel['OTEL_RESOURCE_ATTRIBUTES'])).toEqual({
        'k8s.namespace.name': releaseNamespace,
        'k8s.pod.name': pod,
        'service.instance.id': pod,
        'service.version': '0.1.0',
      });
      // The replica name the services also read themselves (x-served-by, service.instance.id).
      expect(env(objects, name)['POD_NAME']).toBe(pod);
    },
  );

  it('the endpoint is the collector Service, leading to its OTLP/HTTP receiver', () => {
    const target = servicePortTarget(objects, 'kinema-otel-collector', 4318);
    expect(target).toEqual({ component: 'otel-collector', containerPort: 4318 });
    const config = configOf(objects, 'otel-collector');
    expect(portOf(at(config, 'receivers.otlp.protocols.http.endpoint'))).toBe(4318);
    expect(portOf(at(config, 'receivers.otlp.protocols.grpc.endpoint'))).toBe(4317);
  });

  it('service.version is the tag each service runs', () => {
    const tagged = render({
      ...bundled,
      set: ['default.image.tag=1.2.3', 'catalog.image.tag=1.2.4-hotfix'],
    });
    const version = (name: string) =>
      resourceAttributes(otelEnv(tagged, name)['OTEL_RESOURCE_ATTRIBUTES'])['service.version'];
    expect(version('gateway')).toBe('1.2.3');
    expect(version('catalog')).toBe('1.2.4-hotfix');
  });

  it("leaves the sampler to the services' own default unless values set one", () => {
    const unset = render({
      ...bundled,
      set: ['observability.tracing.sampler=', 'observability.tracing.samplerArg='],
    });
    for (const name of serviceNames) {
      expect(Object.keys(otelEnv(unset, name))).not.toContain('OTEL_TRACES_SAMPLER');
      expect(Object.keys(otelEnv(unset, name))).not.toContain('OTEL_TRACES_SAMPLER_ARG');
    }
  });

  it('sends over gRPC to port 4317 when the protocol is grpc', () => {
    const grpc = render({ ...bundled, set: ['observability.tracing.protocol=grpc'] });
    expect(otelEnv(grpc, 'videos')).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://${host('otel-collector')}:4317`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    });
  });
});

describe('traces to a collector the cluster already runs', () => {
  const objects = render(external);

  it.each([...serviceNames])('%s sends to that endpoint with its protocol', (name) => {
    expect(otelEnv(objects, name)).toMatchObject({
      OTEL_SERVICE_NAME: name,
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability.svc.cluster.local:4317',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    });
    expect(otelEnv(objects, name)['OTEL_SDK_DISABLED']).toBeUndefined();
  });

  it('deploys no collector or Jaeger', () => {
    expect(
      objects.filter((o) =>
        ['otel-collector', 'jaeger'].includes(component(o.metadata.labels) ?? ''),
      ),
    ).toEqual([]);
  });
});

describe("the collector's pipeline", () => {
  const objects = render(bundled);
  const config = configOf(objects, 'otel-collector');
  const collector = container(objects, 'otel-collector');
  const collectorEnv = containerEnv(objects, collector);

  it('limits memory first, then batches, and exports to Jaeger over OTLP', () => {
    expect(at(config, 'service.pipelines.traces')).toEqual({
      receivers: ['otlp'],
      processors: ['memory_limiter', 'batch'],
      exporters: ['otlp_grpc/jaeger'],
    });
    expect(at(config, 'processors.memory_limiter.limit_percentage')).toBe(80);
  });

  it("reaches Jaeger's OTLP receiver through the Jaeger Service, by an address in its env", () => {
    expect(at(config, 'exporters.otlp_grpc/jaeger.endpoint')).toBe('${env:JAEGER_OTLP_ENDPOINT}');
    const url = new URL(collectorEnv['JAEGER_OTLP_ENDPOINT'] ?? '');
    expect(url.hostname).toBe(host('jaeger'));
    expect(servicePortTarget(objects, 'kinema-jaeger', Number(url.port))).toEqual({
      component: 'jaeger',
      containerPort: 4317,
    });
    expect(portOf(at(configOf(objects, 'jaeger'), 'receivers.otlp.protocols.grpc.endpoint'))).toBe(
      4317,
    );
  });

  it('sets every variable its configuration reads', () => {
    const text = configMapData(objects).get('kinema-otel-collector')?.['config.yaml'] ?? '';
    const read = [...text.matchAll(/\$\{env:([A-Z_]+)\}/g)].map((m) => m[1] ?? '');
    expect(read.length).toBeGreaterThan(0);
    expect(read.filter((name) => !(name in collectorEnv))).toEqual([]);
  });

  it('is probed on the port its health_check extension listens on', () => {
    const health = portOf(at(config, 'extensions.health_check.endpoint'));
    const port = collector.ports?.find((p) => p.name === collector.readinessProbe?.httpGet?.port);
    expect(port?.containerPort).toBe(health);
    expect(at(config, 'service.extensions')).toEqual(['health_check']);
  });

  it.each([
    ['no destination', [], ['debug'], undefined],
    [
      'an upstream over gRPC, plain text',
      ['observability.collector.exporter.endpoint=http://tempo.tracing:4317'],
      ['otlp_grpc/upstream'],
      true,
    ],
    [
      'an upstream over gRPC with TLS',
      ['observability.collector.exporter.endpoint=https://otlp.example.com:443'],
      ['otlp_grpc/upstream'],
      undefined,
    ],
    [
      'an upstream over HTTP',
      [
        'observability.collector.exporter.endpoint=https://otlp.example.com',
        'observability.collector.exporter.protocol=http/protobuf',
      ],
      ['otlp_http/upstream'],
      undefined,
    ],
  ] as Array<[string, string[], string[], boolean | undefined]>)(
    'without Jaeger, with %s, exports to %j',
    (_label, set, exporters, insecure) => {
      const rendered = render({
        set: ['observability.collector.enabled=true', ...set],
      });
      const pipeline = configOf(rendered, 'otel-collector');
      expect(at(pipeline, 'service.pipelines.traces.exporters')).toEqual(exporters);
      expect(Object.keys(at(pipeline, 'exporters') as object)).toEqual(exporters);
      const [exporter = ''] = exporters;
      expect(at(pipeline, `exporters.${exporter}.tls.insecure`)).toBe(insecure);
      const upstream = containerEnv(rendered, container(rendered, 'otel-collector'))[
        'UPSTREAM_OTLP_ENDPOINT'
      ];
      expect(upstream).toBe(set[0]?.split('=')[1]);
    },
  );
});

describe("Jaeger's configuration", () => {
  const objects = render({ ...bundled, set: ['observability.jaeger.maxTraces=1234'] });
  const config = configOf(objects, 'jaeger');
  const jaeger = container(objects, 'jaeger');

  it('keeps a bounded number of traces in memory, in the store the UI reads', () => {
    const store = at(config, 'exporters.jaeger_storage_exporter.trace_storage');
    expect(typeof store).toBe('string');
    expect(
      at(config, `extensions.jaeger_storage.backends.${String(store)}.memory.max_traces`),
    ).toBe(1234);
    expect(at(config, 'extensions.jaeger_query.storage.traces')).toBe(store);
  });

  it('serves the UI on 16686 through its Service, and is probed on its health port', () => {
    expect(portOf(at(config, 'extensions.jaeger_query.http.endpoint'))).toBe(16686);
    expect(servicePortTarget(objects, 'kinema-jaeger', 16686)).toEqual({
      component: 'jaeger',
      containerPort: 16686,
    });
    const health = portOf(at(config, 'extensions.healthcheckv2.http.endpoint'));
    const probe = jaeger.readinessProbe?.httpGet;
    expect(jaeger.ports?.find((p) => p.name === probe?.port)?.containerPort).toBe(health);
    expect(probe?.path).toBe('/status');
  });

  it('runs one replica, replaced rather than rolled (the traces live in its memory)', () => {
    const deployment = byKind(objects, 'Deployment').find(
      (d) => component(d.metadata.labels) === 'jaeger',
    );
    if (!deployment) throw new Error('no Jaeger Deployment');
    expect(spec<{ replicas: number; strategy: { type: string } }>(deployment)).toMatchObject({
      replicas: 1,
      strategy: { type: 'Recreate' },
    });
  });
});

describe('settings that cannot work together fail with a message naming them', () => {
  it.each([
    [
      ['observability.tracing.otlpEndpoint=http://c:4318', 'observability.collector.enabled=true'],
      /otlpEndpoint and observability\.collector\.enabled are both set/,
    ],
    [
      ['observability.jaeger.enabled=true'],
      /jaeger\.enabled needs observability\.collector\.enabled/,
    ],
    [['observability.tracing.samplerArg=0.5'], /samplerArg is a ratio for/],
    [
      ['observability.tracing.sampler=always_on', 'observability.tracing.samplerArg=0.5'],
      /samplerArg is a ratio for/,
    ],
    [['observability.tracing.samplerArg=1.5'], /samplerArg/],
    [['observability.tracing.otlpEndpoint=collector:4318'], /otlpEndpoint/],
    [['observability.tracing.sampler=sometimes'], /sampler/],
    [['observability.collector.image.tag=latest'], /tag/],
    [['observability.podMonitor.enabled=maybe'], /podMonitor/],
  ])('%j', (set, message) => {
    expect(renderError({ set })).toMatch(message);
  });
});

describe('release notes', () => {
  it('say how to open Jaeger when it is installed', () => {
    const result = runHelm([
      'install',
      'kinema',
      chartDir,
      '--dry-run=client',
      '--namespace',
      'kinema',
      '--set',
      'observability.collector.enabled=true',
      '--set',
      'observability.jaeger.enabled=true',
    ]);
    expect(result.status).toBe(0);
    const notes = result.stdout.slice(result.stdout.indexOf('NOTES:'));
    expect(notes).toContain('kubectl -n kinema port-forward svc/kinema-jaeger 16686');
    expect(byKind(render(bundled), 'Service').map((s) => s.metadata.name)).toContain(
      'kinema-jaeger',
    );
  });
});
