import type { IServiceSpec } from 'kubernetes-models/v1/ServiceSpec';
import {
  allServicesOn,
  loadgenOn,
  releaseNamespace,
  render,
  type RenderOptions,
} from './support/helm';
import { configMapData, containerEnv } from './support/container-env';
import {
  byKind,
  component,
  podTemplates,
  selects,
  spec,
  type K8sObject,
} from './support/k8s-objects';
import { PolicyModel } from './support/network-policy';

// Derived, not listed: the flows each service needs are read from the addresses in its rendered
// env (brokers, database URL, S3 endpoint, gRPC targets), and the NetworkPolicies must allow
// exactly those towards the release's pods: each one, and no other port of any other pod.
const renders: Array<[string, RenderOptions]> = [
  ['every service on', allServicesOn],
  ['MinIO', { valuesFile: 'minio-values.yaml' }],
  ['defaults', {}],
  ['the load generator on', loadgenOn],
  ['the bundled collector and Jaeger', { valuesFile: 'observability-values.yaml' }],
  [
    'three Kafka brokers, PgBouncer and Redis',
    {
      set: [
        'users.enabled=true',
        'videos.enabled=true',
        'kafka.replicas=3',
        'pgbouncer.enabled=true',
        'gateway.replicas=2',
      ],
    },
  ],
  [
    'one PostgreSQL per service and the HPAs',
    {
      set: [
        'postgresql.perService=true',
        ...['gateway', 'catalog', 'users', 'videos'].map((s) => `${s}.autoscaling.enabled=true`),
      ],
    },
  ],
];
// Jaeger keeps traces and Redis the gateway's state in their own memory: called, calling nobody.
const dialsNothing = new Set(['jaeger', 'redis']);
const suffix = `.${releaseNamespace}.svc.cluster.local`;

interface Flow {
  to: string;
  port: number;
}

function addresses(env: Record<string, string>): Array<{ host: string; port: number }> {
  const found: Array<{ host: string; port: number }> = [];
  for (const [name, value] of Object.entries(env)) {
    if (name === 'KAFKA_BROKERS')
      for (const broker of value.split(',')) {
        const [host = '', port = ''] = broker.split(':');
        found.push({ host, port: Number(port) });
      }
    // DATABASE_URL, REDIS_URL, LOAD_TARGET; S3_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT, the collector's *_OTLP_ENDPOINT.
    else if (
      name === 'DATABASE_URL' ||
      name === 'REDIS_URL' ||
      name === 'LOAD_TARGET' ||
      name.endsWith('_ENDPOINT')
    ) {
      const url = new URL(value);
      const port = url.port || (url.protocol === 'https:' ? '443' : '80');
      found.push({ host: url.hostname, port: Number(port) });
    } else if (name.endsWith('_GRPC_TARGET')) {
      const match = /^dns:\/\/\/([^:/]+):(\d+)$/.exec(value);
      if (match) found.push({ host: match[1] ?? '', port: Number(match[2]) });
    }
  }
  return found.filter((a) => a.host.endsWith(suffix));
}

/** The component whose pods the Service named by `host` selects, and the target port. */
function target(objects: readonly K8sObject[], host: string, port: number): Flow {
  const name = host.slice(0, -suffix.length);
  const service = byKind(objects, 'Service').find((s) => s.metadata.name === name);
  if (!service) throw new Error(`no Service ${name}`);
  const s = spec<IServiceSpec>(service);
  const pod = podTemplates(objects).find(({ labels }) => selects(s.selector, labels));
  const servicePort = s.ports?.find((p) => p.port === port);
  if (!pod || !servicePort) throw new Error(`${name}:${port} selects no pod port`);
  const named = pod.spec.containers
    .flatMap((c) => c.ports ?? [])
    .find((p) => p.name === servicePort.targetPort || p.containerPort === servicePort.targetPort);
  return { to: component(pod.labels) ?? '', port: named?.containerPort ?? port };
}

describe.each(renders)('flows over %s', (_label, options) => {
  const objects = render(options);
  const model = new PolicyModel(objects, releaseNamespace);
  const pods = podTemplates(objects);
  const deployments = pods.filter(({ object }) => object.kind === 'Deployment');

  // The gateway also reads video objects with URLs the videos service presigns for its own
  // S3_ENDPOINT: an address the gateway learns per title from videos, not from its env.
  const presignedReads = (name: string | undefined) => {
    const videos = deployments.find((d) => component(d.labels) === 'videos');
    const container = videos?.spec.containers[0];
    if (name !== 'gateway' || !container) return [];
    const env = containerEnv(objects, container, () => 'sample-secret');
    return addresses({ S3_ENDPOINT: env['S3_ENDPOINT'] ?? '' });
  };

  // PgBouncer reads its servers from its configuration file, not its env.
  const configured = (name: string | undefined) => {
    if (name !== 'pgbouncer') return [];
    const ini = configMapData(objects).get('kinema-pgbouncer')?.['pgbouncer.ini'] ?? '';
    return [...ini.matchAll(/host=(\S+) port=(\d+)/g)].map((m) => ({
      host: m[1] ?? '',
      port: Number(m[2]),
    }));
  };

  it.each(deployments.map((d) => [component(d.labels) ?? '', d] as const))(
    '%s may open exactly the connections its env names',
    (_name, deployment) => {
      const container = deployment.spec.containers[0];
      if (!container) throw new Error('no container');
      const env = containerEnv(objects, container, () => 'sample-secret');
      const needed = [
        ...addresses(env),
        ...presignedReads(component(deployment.labels)),
        ...configured(component(deployment.labels)),
      ].map((a) => target(objects, a.host, a.port));
      if (dialsNothing.has(component(deployment.labels) ?? '')) expect(needed).toEqual([]);
      else expect(needed.length).toBeGreaterThan(0);
      const from = { namespace: releaseNamespace, labels: deployment.labels };
      const missing = needed.filter((flow) => !model.allows(from, podEndpoint(flow.to), flow.port));
      expect(missing).toEqual([]);
      const extra: string[] = [];
      for (const other of pods) {
        const to = component(other.labels) ?? '';
        if (other === deployment) continue;
        for (const port of other.spec.containers.flatMap((c) => c.ports ?? [])) {
          const wanted = needed.some((f) => f.to === to && f.port === port.containerPort);
          const open = model.allows(
            from,
            { namespace: releaseNamespace, labels: other.labels },
            port.containerPort,
          );
          if (open && !wanted) extra.push(`${to}:${port.containerPort}`);
        }
      }
      expect(extra).toEqual([]);
    },
  );

  function podEndpoint(name: string) {
    const pod = pods.find(({ labels }) => component(labels) === name);
    return { namespace: releaseNamespace, labels: pod?.labels ?? {} };
  }
});
