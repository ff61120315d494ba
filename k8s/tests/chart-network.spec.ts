import {
  allServicesExternal,
  allServicesOn,
  ciValuesFiles,
  loadgenOn,
  releaseNamespace,
  render,
  type RenderOptions,
} from './support/helm';
import { component, podTemplates, type K8sObject } from './support/k8s-objects';
import { PolicyModel, type Endpoint } from './support/network-policy';

const withPolicies: Array<[string, RenderOptions]> = [
  ...ciValuesFiles()
    .filter((file) => file !== 'policies-off-values.yaml')
    .map((file): [string, RenderOptions] => [`ci/${file}`, { valuesFile: file }]),
  ['every service on', allServicesOn],
  ['every service on, all backing services external', allServicesExternal],
  ['the load generator on', loadgenOn],
];

function podOf(objects: readonly K8sObject[], name: string): Endpoint {
  const pod = podTemplates(objects).find(({ labels }) => component(labels) === name);
  if (!pod) throw new Error(`no ${name} pod rendered`);
  return { namespace: releaseNamespace, labels: pod.labels };
}

const outside: Endpoint = { external: true };
const otherNamespacePod: Endpoint = { namespace: 'elsewhere', labels: { app: 'intruder' } };
const neighbourPod: Endpoint = { namespace: releaseNamespace, labels: { app: 'neighbour' } };
const dns: Endpoint = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } };

describe.each(withPolicies)('NetworkPolicies over %s', (_label, options) => {
  const objects = render(options);
  const model = new PolicyModel(objects, releaseNamespace);

  it('select every pod the release creates', () => {
    const unselected = podTemplates(objects)
      .filter(({ labels }) => !model.isSelected(labels))
      .map(({ object }) => `${object.kind}/${object.metadata.name}`);
    expect(unselected).toEqual([]);
  });

  it('let every pod resolve names through cluster DNS', () => {
    for (const { labels } of podTemplates(objects)) {
      const pod = { namespace: releaseNamespace, labels };
      expect(model.allows(pod, dns, 53)).toBe(true);
    }
  });

  it('open the gateway to the outside and nothing else', () => {
    const gateway = podOf(objects, 'gateway');
    expect(model.allows(outside, gateway, 3000)).toBe(true);
    expect(model.allows(outside, podOf(objects, 'catalog'), 50051)).toBe(false);
    expect(model.allows(otherNamespacePod, podOf(objects, 'catalog'), 50051)).toBe(false);
    expect(model.allows(outside, gateway, 9999)).toBe(false);
    // Metrics are on the ops port, which only networkPolicy.metricsFrom may reach.
    expect(model.allows(outside, gateway, 9400)).toBe(false);
  });

  it('let the gateway call catalog over gRPC and read Kafka, but not the ops port or the databases', () => {
    const gateway = podOf(objects, 'gateway');
    const catalog = podOf(objects, 'catalog');
    expect(model.allows(gateway, catalog, 50051)).toBe(true);
    expect(model.allows(gateway, catalog, 9401)).toBe(false);
    if (!objects.some((o) => o.kind === 'StatefulSet')) return;
    // Every database pod: one PostgreSQL or one per service, and PgBouncer when on.
    const databases = podTemplates(objects).filter(({ labels }) =>
      /^(postgresql|pgbouncer)/.test(component(labels) ?? ''),
    );
    expect(databases.length).toBeGreaterThan(0);
    for (const { labels } of databases)
      for (const port of [5432, 6432])
        expect(model.allows(gateway, { namespace: releaseNamespace, labels }, port)).toBe(false);
    expect(model.allows(gateway, podOf(objects, 'kafka'), 9092)).toBe(true);
  });
});

describe('data-store flows with every service and bundled backing services', () => {
  const objects = render(allServicesOn);
  const model = new PolicyModel(objects, releaseNamespace);
  const pod = (name: string) => podOf(objects, name);

  it.each([
    ['catalog', 'postgresql', 5432],
    ['users', 'postgresql', 5432],
    ['videos', 'postgresql', 5432],
    ['postgresql-provision', 'postgresql', 5432],
    ['catalog', 'kafka', 9092],
    ['users', 'kafka', 9092],
    ['videos', 'kafka', 9092],
    ['kafka-topics', 'kafka', 9092],
    // The gateway's event feed: WebSocket notifications and catalog cache invalidation.
    ['gateway', 'kafka', 9092],
    ['videos', 'seaweedfs', 8333],
    // Playback: the gateway reads a video's object with a URL the videos service presigned.
    ['gateway', 'seaweedfs', 8333],
    ['seaweedfs-bucket', 'seaweedfs', 8333],
    ['gateway', 'users', 50052],
    ['gateway', 'videos', 50053],
    ['test', 'gateway', 3000],
  ])('%s may reach %s on %i', (from, to, port) => {
    expect(model.allows(pod(from), pod(to), port)).toBe(true);
  });

  it.each([
    ['gateway', 'postgresql', 5432],
    ['catalog', 'seaweedfs', 8333],
    ['users', 'seaweedfs', 8333],
    ['catalog', 'users', 50052],
    ['users', 'catalog', 50051],
    ['videos', 'catalog', 50051],
    ['kafka-topics', 'postgresql', 5432],
    ['seaweedfs-bucket', 'kafka', 9092],
    ['test', 'catalog', 50051],
  ])('%s may not reach %s on %i', (from, to, port) => {
    expect(model.allows(pod(from), pod(to), port)).toBe(false);
  });

  it('keeps the data stores from dialling out', () => {
    for (const store of ['postgresql', 'seaweedfs']) {
      expect(model.allows(pod(store), outside, 443)).toBe(false);
    }
  });
});

describe('the load generator', () => {
  const objects = render(loadgenOn);
  const model = new PolicyModel(objects, releaseNamespace);
  const loadgen = () => podOf(objects, 'loadgen');

  it('reaches the gateway on its HTTP port', () => {
    expect(model.allows(loadgen(), podOf(objects, 'gateway'), 3000)).toBe(true);
  });

  it.each([
    ['gateway', 9400],
    ['catalog', 50051],
    ['users', 50052],
    ['postgresql', 5432],
    ['kafka', 9092],
    ['seaweedfs', 8333],
  ])('may not reach %s on %i', (to, port) => {
    expect(model.allows(loadgen(), podOf(objects, to), port)).toBe(false);
  });

  it('reaches nothing outside and takes no connection', () => {
    expect(model.allows(loadgen(), outside, 443)).toBe(false);
    expect(model.allows(outside, loadgen(), 9404)).toBe(false);
    expect(model.allows(podOf(objects, 'gateway'), loadgen(), 9404)).toBe(false);
  });

  it('still reaches the gateway when networkPolicy.gatewayFrom narrows who may call it', () => {
    const narrowed = render({
      set: [
        'loadgen.enabled=true',
        'networkPolicy.gatewayFrom[0].namespaceSelector.matchLabels.name=ingress',
      ],
    });
    const narrowedModel = new PolicyModel(narrowed, releaseNamespace);
    expect(narrowedModel.allows(outside, podOf(narrowed, 'gateway'), 3000)).toBe(false);
    expect(narrowedModel.allows(podOf(narrowed, 'loadgen'), podOf(narrowed, 'gateway'), 3000)).toBe(
      true,
    );
  });
});

describe('tracing flows with the bundled collector and Jaeger', () => {
  const objects = render({ valuesFile: 'observability-values.yaml' });
  const model = new PolicyModel(objects, releaseNamespace);
  const pod = (name: string) => podOf(objects, name);
  const monitoring: Endpoint = {
    namespace: 'monitoring',
    labels: { 'app.kubernetes.io/name': 'prometheus' },
  };

  it.each([
    // OTLP over HTTP (observability.tracing.protocol), the one port the services send to.
    ['gateway', 'otel-collector', 4318],
    ['catalog', 'otel-collector', 4318],
    ['users', 'otel-collector', 4318],
    ['videos', 'otel-collector', 4318],
    ['otel-collector', 'jaeger', 4317],
  ])('%s may reach %s on %i', (from, to, port) => {
    expect(model.allows(pod(from), pod(to), port)).toBe(true);
  });

  it.each([
    // The other OTLP port, and the health ports the kubelet alone probes.
    ['gateway', 'otel-collector', 4317],
    ['catalog', 'otel-collector', 13133],
    ['catalog', 'jaeger', 4317],
    ['gateway', 'jaeger', 16686],
    ['otel-collector', 'jaeger', 16686],
    ['otel-collector', 'catalog', 50051],
    ['otel-collector', 'kafka', 9092],
    ['jaeger', 'otel-collector', 4318],
    ['jaeger', 'gateway', 3000],
    ['postgresql', 'otel-collector', 4318],
    ['kafka-topics', 'otel-collector', 4318],
  ])('%s may not reach %s on %i', (from, to, port) => {
    expect(model.allows(pod(from), pod(to), port)).toBe(false);
  });

  it('keeps the collector and Jaeger closed to the outside and other namespaces', () => {
    for (const port of [4317, 4318, 13133])
      expect(model.allows(outside, pod('otel-collector'), port)).toBe(false);
    expect(model.allows(otherNamespacePod, pod('otel-collector'), 4318)).toBe(false);
    // A pod of the same namespace that is not part of the release: only ingress rules stop it.
    expect(model.allows(neighbourPod, pod('otel-collector'), 4318)).toBe(false);
    expect(model.allows(neighbourPod, pod('jaeger'), 4317)).toBe(false);
    expect(model.allows(neighbourPod, pod('jaeger'), 16686)).toBe(false);
    expect(model.allows(outside, pod('jaeger'), 16686)).toBe(false);
    expect(model.allows(otherNamespacePod, pod('jaeger'), 16686)).toBe(false);
    expect(model.allows(pod('jaeger'), outside, 443)).toBe(false);
    expect(model.allows(pod('otel-collector'), outside, 4317)).toBe(false);
  });

  it("opens Jaeger's query API to observability.jaeger.queryFrom only, and the metrics ports to networkPolicy.metricsFrom", () => {
    expect(model.allows(monitoring, pod('jaeger'), 16686)).toBe(true);
    expect(model.allows(monitoring, pod('jaeger'), 4317)).toBe(false);
    expect(model.allows(monitoring, pod('catalog'), 9401)).toBe(true);
    expect(model.allows(monitoring, pod('gateway'), 9400)).toBe(true);
    expect(model.allows(monitoring, pod('otel-collector'), 4318)).toBe(false);
  });

  it('moves the services to the gRPC port when the protocol is grpc', () => {
    const grpc = render({
      valuesFile: 'observability-values.yaml',
      set: ['observability.tracing.protocol=grpc'],
    });
    const grpcModel = new PolicyModel(grpc, releaseNamespace);
    const catalog = podOf(grpc, 'catalog');
    const collector = podOf(grpc, 'otel-collector');
    expect(grpcModel.allows(catalog, collector, 4317)).toBe(true);
    expect(grpcModel.allows(catalog, collector, 4318)).toBe(false);
  });
});

describe("tracing flows to the cluster's own collector", () => {
  const objects = render({ valuesFile: 'observability-external-values.yaml' });
  const model = new PolicyModel(objects, releaseNamespace);
  const collector: Endpoint = {
    namespace: 'observability',
    labels: { 'app.kubernetes.io/name': 'opentelemetry-collector' },
  };

  it.each(['gateway', 'catalog', 'users', 'videos'])(
    "%s may reach the peers networkPolicy.external.otlp names, on the endpoint's port only",
    (name) => {
      expect(model.allows(podOf(objects, name), collector, 4317)).toBe(true);
      expect(model.allows(podOf(objects, name), collector, 4318)).toBe(false);
      expect(model.allows(podOf(objects, name), otherNamespacePod, 4317)).toBe(false);
    },
  );

  it('renders no collector or Jaeger of its own', () => {
    expect(podTemplates(objects).map(({ labels }) => component(labels))).not.toEqual(
      expect.arrayContaining(['otel-collector']),
    );
    expect(podTemplates(objects).map(({ labels }) => component(labels))).not.toContain('jaeger');
  });
});

describe('external backing services', () => {
  const objects = render(allServicesExternal);
  const model = new PolicyModel(objects, releaseNamespace);

  it.each(['catalog', 'users', 'videos'])('%s may reach the external endpoints', (name) => {
    expect(model.allows(podOf(objects, name), outside, 5432)).toBe(true);
  });

  it('the gateway reaches an external Redis, the services stay closed to the outside', () => {
    expect(model.allows(podOf(objects, 'gateway'), outside, 6379)).toBe(true);
    expect(model.allows(outside, podOf(objects, 'videos'), 50053)).toBe(false);
  });
});

describe('policies off', () => {
  it('renders no NetworkPolicy', () => {
    expect(
      render({ valuesFile: 'policies-off-values.yaml' }).filter((o) => o.kind === 'NetworkPolicy'),
    ).toEqual([]);
  });
});
