import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IServiceSpec } from 'kubernetes-models/v1/ServiceSpec';
import type { IContainer } from 'kubernetes-models/v1/Container';
import {
  describeIssues,
  loadConfigSchema,
  loadTelemetrySchema,
  requiredKeys,
  sdkReadVariables,
  type ConfigSchema,
} from './support/app-config';
import { containerEnv, referencedNames } from './support/container-env';
import {
  allServicesExternal,
  allServicesOn,
  ciValuesFiles,
  loadgenOn,
  releaseNamespace,
  render,
  type RenderOptions,
} from './support/helm';
import {
  byKind,
  component,
  plainEnv,
  podTemplates,
  selects,
  serviceDeployment,
  spec,
  type K8sObject,
} from './support/k8s-objects';
import { appNames, appsWithConfig, type AppName, type ServiceName } from './support/repo';

const ciRenders: Array<[string, RenderOptions]> = ciValuesFiles().map((file) => [
  `ci/${file}`,
  { valuesFile: file },
]);
const apps = appsWithConfig();
const clusterDomain = 'cluster.local';

// Values of Secrets created outside the chart (existingSecret): shaped like real ones.
const sampleSecretValues: Record<string, string> = {
  DATABASE_URL: 'postgresql://catalog:sample-password@db.example.internal:5432/catalog',
  REDIS_URL: 'redis://:sample-password@redis.example.internal:6379/0',
  JWT_PRIVATE_KEY: generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString(),
};

/**
 * Stand-ins for the files a pod reads from Secrets mounted as volumes (a Kafka CA, a client
 * certificate and key, a database CA): one file of each kind in a directory of this test run.
 */
const mountedFiles = mkdtempSync(join(tmpdir(), 'kinema-mounted-'));
const samplePem = (label: string) => `-----BEGIN ${label}-----\nMIIB\n-----END ${label}-----\n`;
writeFileSync(join(mountedFiles, 'certificate.pem'), samplePem('CERTIFICATE'));
writeFileSync(join(mountedFiles, 'key.pem'), samplePem('PRIVATE KEY'));
afterAll(() => rmSync(mountedFiles, { recursive: true, force: true }));

/**
 * The environment the container would see; Secrets made outside the chart hold samples, and a
 * variable naming a file under one of the container's Secret volume mounts names a sample file
 * of that kind (a variable naming a path the pod does not mount keeps it, and fails validation).
 */
function resolvedEnv(objects: readonly K8sObject[], container: IContainer): Record<string, string> {
  const env = containerEnv(
    objects,
    container,
    (name) => sampleSecretValues[name] ?? 'sample-secret-value-0123456789abcdef',
  );
  const secretVolumes = new Set(
    (podOf(objects, container)?.volumes ?? []).filter((v) => v.secret).map((v) => v.name),
  );
  const mounts = (container.volumeMounts ?? []).filter((m) => secretVolumes.has(m.name));
  for (const [name, value] of Object.entries(env)) {
    if (!mounts.some((mount) => value.startsWith(`${mount.mountPath}/`))) continue;
    env[name] = join(mountedFiles, /KEY_FILE$/.test(name) ? 'key.pem' : 'certificate.pem');
  }
  return env;
}

/** The pod spec a container belongs to. */
function podOf(objects: readonly K8sObject[], container: IContainer): IPodSpec | undefined {
  return podTemplates(objects).find((pod) => pod.spec.containers.includes(container))?.spec;
}

/** Whether the service a `<NAME>_GRPC_TARGET` points at is rendered. */
function serviceEnabled(objects: readonly K8sObject[], key: string): boolean {
  const name = key.replace(/_GRPC_TARGET$/, '').toLowerCase() as ServiceName;
  return serviceDeployment(objects, name) !== undefined;
}

function mainContainer(objects: readonly K8sObject[], app: AppName): IContainer | undefined {
  return serviceDeployment(objects, app)?.spec.containers.find((c) => c.name === app);
}

it('covers every service and the load generator, so the check cannot quietly shrink', () => {
  expect([...apps].sort()).toEqual(['catalog', 'gateway', 'loadgen', 'users', 'videos']);
});

describe.each(apps)('%s: chart environment against the app config schema', (app) => {
  let schema: ConfigSchema;
  beforeAll(async () => {
    schema = await loadConfigSchema(app);
  });
  const reads = (name: string, telemetry: ConfigSchema) =>
    name in schema.shape || name in telemetry.shape || sdkReadVariables.includes(name);

  // Each app is checked with itself switched on (users and videos are off by default).
  describe.each(ciRenders)('%s', (_label, options) => {
    const objects = render({ ...options, set: [`${app}.enabled=true`] });
    const container = mainContainer(objects, app);

    it('renders the service', () => {
      expect(container).toBeDefined();
    });

    // A variable set only to be referenced as $(NAME) by another one is not the app's.
    it('sets only variables the app reads', async () => {
      const telemetry = await loadTelemetrySchema();
      const names = (container?.env ?? []).map((env) => env.name);
      const helpers = container ? referencedNames(container) : new Set<string>();
      expect(names.filter((name) => !reads(name, telemetry) && !helpers.has(name))).toEqual([]);
    });

    it('sets every variable the app has no default for', () => {
      const names = new Set((container?.env ?? []).map((env) => env.name));
      expect(requiredKeys(schema).filter((key) => !names.has(key))).toEqual([]);
    });

    it("passes the app's own validation", async () => {
      if (!container) throw new Error('not rendered');
      const telemetry = await loadTelemetrySchema();
      const env = resolvedEnv(objects, container);
      const result = schema.safeParse(env);
      expect(describeIssues(result)).toEqual([]);
      expect(result.success).toBe(true);
      // The OTEL_* variables pass the check each service runs on them at boot.
      expect(describeIssues(telemetry.safeParse(env))).toEqual([]);
    });

    // A default such as 127.0.0.1:19092 names the developer's laptop, never a pod: every address
    // the app reads (brokers, databases, gRPC targets, S3, the load generator's gateway) must come
    // from the chart.
    it('sets every address variable the app reads', () => {
      const names = new Set((container?.env ?? []).map((env) => env.name));
      const addresses = Object.keys(schema.shape).filter(
        (key) =>
          /(_BROKERS|_GRPC_TARGET|^DATABASE_URL|^S3_ENDPOINT|^LOAD_TARGET)$/.test(key) &&
          // The gateway reaches only the services the chart turns on.
          !(key.endsWith('_GRPC_TARGET') && !names.has(key) && !serviceEnabled(objects, key)),
      );
      expect(addresses.filter((key) => !names.has(key))).toEqual([]);
    });

    it('runs in production mode', () => {
      expect(container && plainEnv(container).get('NODE_ENV')).toBe('production');
    });
  });
});

const portEnv: Record<string, string> = {
  http: 'HTTP_PORT',
  grpc: 'GRPC_PORT',
  ops: 'OPS_PORT',
  health: 'LOAD_HEALTH_PORT',
};

describe.each([
  ...ciRenders,
  ['every service on', allServicesOn] as [string, RenderOptions],
  ['every service on, all backing services external', allServicesExternal] as [
    string,
    RenderOptions,
  ],
  ['the load generator on', loadgenOn] as [string, RenderOptions],
])('ports and addresses agree in %s', (_label, options) => {
  const objects = render(options);
  const deployments = podTemplates(objects).filter(({ object }) => object.kind === 'Deployment');
  // The Kinema apps, which take their ports from these variables (not the collector or Jaeger).
  const apps: readonly string[] = appNames;
  const appDeployments = deployments.filter(({ labels }) => apps.includes(component(labels) ?? ''));

  it('each port variable equals the container port of the same name', () => {
    const mismatches: string[] = [];
    for (const { object, spec: podSpec } of appDeployments) {
      for (const container of podSpec.containers) {
        const env = plainEnv(container);
        for (const port of container.ports ?? []) {
          const variable = port.name ? portEnv[port.name] : undefined;
          if (variable && env.get(variable) !== String(port.containerPort)) {
            mismatches.push(
              `${object.metadata.name} ${variable}=${env.get(variable)} but port ${port.name}=${port.containerPort}`,
            );
          }
        }
      }
    }
    expect(appDeployments.length).toBeGreaterThan(0);
    expect(mismatches).toEqual([]);
  });

  it('each Service targets a named port that the pods it selects declare', () => {
    const problems: string[] = [];
    const pods = podTemplates(objects);
    for (const service of byKind(objects, 'Service')) {
      const s = spec<IServiceSpec>(service);
      const targets = pods.filter(({ labels }) => selects(s.selector, labels));
      if (targets.length === 0) problems.push(`${service.metadata.name} selects no pod`);
      for (const port of s.ports ?? []) {
        const ok = targets.every(({ spec: podSpec }) =>
          podSpec.containers.some((c) =>
            c.ports?.some((p) => p.name === port.targetPort || p.containerPort === port.targetPort),
          ),
        );
        if (!ok) problems.push(`${service.metadata.name}:${port.name} -> ${port.targetPort}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('each *_GRPC_TARGET is dns:/// to a headless Service of the matching service on its gRPC port', () => {
    const problems: string[] = [];
    let targets = 0;
    for (const { object, spec: podSpec } of deployments) {
      for (const [name, value] of plainEnv(podSpec.containers[0] ?? { name: 'none' })) {
        const callee = /^([A-Z]+)_GRPC_TARGET$/.exec(name)?.[1]?.toLowerCase();
        if (!callee) continue;
        targets += 1;
        const match = /^dns:\/\/\/([^:/]+):(\d+)$/.exec(value);
        if (!match) {
          problems.push(`${object.metadata.name} ${name}=${value} is not dns:///host:port`);
          continue;
        }
        const [, host = '', port = ''] = match;
        const service = byKind(objects, 'Service').find(
          (svc) => `${svc.metadata.name}.${releaseNamespace}.svc.${clusterDomain}` === host,
        );
        const s = service && spec<IServiceSpec>(service);
        if (!s || s.clusterIP !== 'None') {
          problems.push(`${name}: ${host} is not a rendered headless Service`);
          continue;
        }
        if (!s.ports?.some((p) => String(p.port) === port))
          problems.push(`${name}: ${host} has no port ${port}`);
        const backend = deployments.find(({ labels }) => selects(s.selector, labels));
        if (component(backend?.labels) !== callee)
          problems.push(`${name}: ${host} selects ${component(backend?.labels)}`);
        const grpcPort =
          backend && plainEnv(backend.spec.containers[0] ?? { name: 'none' }).get('GRPC_PORT');
        if (grpcPort !== port)
          problems.push(`${name}: port ${port} but ${callee} listens on ${grpcPort}`);
      }
    }
    expect(targets).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('bundled data stores are addressed by rendered Services and ports', () => {
    const services = byKind(objects, 'Service').map((svc) => ({
      host: `${svc.metadata.name}.${releaseNamespace}.svc.${clusterDomain}`,
      ports: (spec<IServiceSpec>(svc).ports ?? []).map((p) => String(p.port)),
    }));
    const known = (host: string, port: string) =>
      services.some((svc) => svc.host === host && svc.ports.includes(port));
    const problems: string[] = [];
    for (const { object, spec: podSpec } of deployments) {
      const container = podSpec.containers[0];
      if (!container) continue;
      const env = plainEnv(container);
      const brokers = env.get('KAFKA_BROKERS');
      if (
        brokers &&
        byKind(objects, 'StatefulSet').some((s) => component(s.metadata.labels) === 'kafka')
      ) {
        for (const broker of brokers.split(',')) {
          const [host = '', port = ''] = broker.split(':');
          if (!known(host, port)) problems.push(`${object.metadata.name} KAFKA_BROKERS ${broker}`);
        }
      }
      const url = resolvedEnv(objects, container)['DATABASE_URL'];
      if (
        url &&
        byKind(objects, 'StatefulSet').some((s) => component(s.metadata.labels) === 'postgresql')
      ) {
        const parsed = new URL(url);
        if (!known(parsed.hostname, parsed.port))
          problems.push(`${object.metadata.name} DATABASE_URL host ${parsed.host}`);
        if (parsed.pathname !== `/${component(object.metadata.labels)}`)
          problems.push(`${object.metadata.name} database ${parsed.pathname}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('a first install converges without restarts', () => {
  const objects = render(allServicesOn);

  it('each service keeps trying to reach its database for most of its startup probe window', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const { object, spec: podSpec } of podTemplates(objects)) {
      const container = podSpec.containers[0];
      if (object.kind !== 'Deployment' || !container?.env?.some((e) => e.name === 'DATABASE_URL'))
        continue;
      checked += 1;
      const retryMs = Number(plainEnv(container).get('DATABASE_CONNECT_RETRY_MS') ?? 0);
      const probe = container.startupProbe;
      const windowMs = (probe?.periodSeconds ?? 10) * (probe?.failureThreshold ?? 3) * 1000;
      // PostgreSQL's first start (image pull, initdb) takes about a minute on a laptop cluster.
      if (retryMs < 60_000) problems.push(`${object.metadata.name} gives up after ${retryMs} ms`);
      if (retryMs >= windowMs)
        problems.push(`${object.metadata.name} retries past its startup window (${windowMs} ms)`);
    }
    expect(checked).toBe(3);
    expect(problems).toEqual([]);
  });
});

describe("PostgreSQL's connection budget", () => {
  it.each([
    ['fixed replicas', allServicesOn],
    ['autoscaling on', { ...allServicesOn, valuesFile: 'autoscaling-on-values.yaml' }],
  ] as Array<[string, RenderOptions]>)(
    '%s: pools x largest replica counts x one surge pod each fit max_connections less a reserve',
    (_label, options) => {
      const objects = render(options);
      const hpas = byKind(objects, 'HorizontalPodAutoscaler');
      let needed = 0;
      for (const { object, spec: podSpec } of podTemplates(objects)) {
        const container = podSpec.containers[0];
        if (object.kind !== 'Deployment' || !container?.env?.some((e) => e.name === 'DATABASE_URL'))
          continue;
        const pool = Number(plainEnv(container).get('DATABASE_POOL_MAX') ?? 10);
        const hpa = hpas.find(
          (h) =>
            (h['spec'] as { scaleTargetRef: { name: string } }).scaleTargetRef.name ===
            object.metadata.name,
        );
        const most = hpa
          ? (hpa['spec'] as { maxReplicas: number }).maxReplicas
          : ((object['spec'] as { replicas?: number }).replicas ?? 1);
        needed += pool * (most + 1); // maxSurge 1 during a rollout
      }
      const postgres = podTemplates(objects).find(
        ({ object }) => object.kind === 'StatefulSet' && /postgresql/.test(object.metadata.name),
      );
      const args = postgres?.spec.containers[0]?.args ?? [];
      const maxConnections = Number(/max_connections=(\d+)/.exec(args.join(' '))?.[1]);
      // superuser_reserved_connections (3), the provisioning Job and an operator's psql.
      const reserve = 10;
      expect(needed).toBeGreaterThan(0);
      expect(needed).toBeLessThanOrEqual(maxConnections - reserve);
    },
  );
});

describe('topics', () => {
  it('services create topics with the partition count the topics Job uses', () => {
    const objects = render({
      ...allServicesOn,
      set: [...(allServicesOn.set ?? []), 'kafka.topics.partitions=12'],
    });
    const counts = podTemplates(objects)
      .filter(
        ({ object, spec: podSpec }) =>
          object.kind === 'Deployment' &&
          podSpec.containers[0]?.env?.some((e) => e.name === 'DATABASE_URL'),
      )
      .map(({ spec: podSpec }) =>
        plainEnv(podSpec.containers[0] ?? { name: 'none' }).get('KAFKA_PARTITIONS'),
      );
    expect(counts).toEqual(['12', '12', '12']);
  });
});
