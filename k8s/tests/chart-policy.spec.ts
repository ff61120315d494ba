import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IServiceSpec } from 'kubernetes-models/v1/ServiceSpec';
import type { IDeploymentSpec } from 'kubernetes-models/apps/v1/DeploymentSpec';
import type { IStatefulSetSpec } from 'kubernetes-models/apps/v1/StatefulSetSpec';
import type { IJobSpec } from 'kubernetes-models/batch/v1/JobSpec';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { LIVENESS_PROBE, READINESS_PROBE } from '@kinema/contracts/supervision';
import {
  allServicesExternal,
  allServicesOn,
  ciValuesFiles,
  managedInfrastructure,
  loadgenOn,
  render,
  type RenderOptions,
} from './support/helm';
import {
  allContainers,
  byKind,
  bytes,
  component,
  isHook,
  milliCpu,
  podTemplates,
  selects,
  spec,
  type K8sObject,
} from './support/k8s-objects';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ciValuesDir, serviceNames } from './support/repo';

const renders: Array<[string, RenderOptions]> = [
  ...ciValuesFiles().map((file): [string, RenderOptions] => [`ci/${file}`, { valuesFile: file }]),
  ['every service on', allServicesOn],
  ['every service on, all backing services external', allServicesExternal],
  ['managed Kafka (TLS, SASL), PostgreSQL over TLS, keyless S3', managedInfrastructure],
  ['the load generator on', loadgenOn],
];

function where(owner: K8sObject, container?: IContainer): string {
  return `${owner.kind}/${owner.metadata.name}${container ? `:${container.name}` : ''}`;
}

/** Secrets the values name as existing (created outside the chart). */
const declaredExistingSecrets = new Set([
  'kinema-app-secrets',
  'kinema-databases',
  'kinema-s3',
  'kinema-s3-credentials',
  'kinema-redis',
  // managedInfrastructure: the Kafka SASL login, the Kafka TLS files, the database CA.
  'kafka-sasl',
  'kafka-client-tls',
  'database-ca',
]);

describe.each(renders)('policies over %s', (_label, options) => {
  const objects = render(options);
  const pods = podTemplates(objects);

  it('every container has CPU and memory requests and limits', () => {
    const missing = pods.flatMap(({ object, spec: podSpec }) =>
      allContainers(podSpec)
        .filter((c) =>
          ['requests', 'limits'].some((kind) => {
            const values = c.resources?.[kind as 'requests' | 'limits'];
            return !values?.['cpu'] || !values['memory'];
          }),
        )
        .map((c) => where(object, c)),
    );
    expect(missing).toEqual([]);
  });

  it('every long-running container has liveness and readiness probes', () => {
    const missing = pods
      .filter(({ object }) => object.kind === 'Deployment' || object.kind === 'StatefulSet')
      .flatMap(({ object, spec: podSpec }) =>
        podSpec.containers
          .filter((c) => !c.livenessProbe || !c.readinessProbe)
          .map((c) => where(object, c)),
      );
    expect(missing).toEqual([]);
  });

  it('every pod meets the restricted Pod Security Standard', () => {
    const violations: string[] = [];
    for (const { object, spec: podSpec } of pods) {
      const pod = podSpec.securityContext ?? {};
      if (podSpec.hostNetwork || podSpec.hostPID || podSpec.hostIPC)
        violations.push(`${where(object)} host namespaces`);
      if (podSpec.volumes?.some((v) => v.hostPath)) violations.push(`${where(object)} hostPath`);
      if (podSpec.automountServiceAccountToken !== false)
        violations.push(`${where(object)} mounts a token`);
      for (const c of allContainers(podSpec)) {
        const sc = c.securityContext ?? {};
        const at = where(object, c);
        if (sc.allowPrivilegeEscalation !== false)
          violations.push(`${at} allowPrivilegeEscalation`);
        if (sc.privileged) violations.push(`${at} privileged`);
        if (sc.readOnlyRootFilesystem !== true) violations.push(`${at} readOnlyRootFilesystem`);
        if (!sc.capabilities?.drop?.includes('ALL'))
          violations.push(`${at} capabilities not dropped`);
        if ((sc.capabilities?.add ?? []).length > 0) violations.push(`${at} adds capabilities`);
        if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) violations.push(`${at} runAsNonRoot`);
        if ((sc.runAsUser ?? pod.runAsUser) === 0) violations.push(`${at} runs as root`);
        const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
        if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
          violations.push(`${at} seccomp`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('every image is pinned to a tag other than latest', () => {
    const images = pods.flatMap(({ spec: podSpec }) =>
      allContainers(podSpec).map((c) => c.image ?? ''),
    );
    const unpinned = images.filter((image) => {
      const tag = /:([^/:@]+)$/.exec(image)?.[1];
      return !image.includes('@sha256:') && (!tag || tag === 'latest');
    });
    expect(images.length).toBeGreaterThan(0);
    expect(unpinned).toEqual([]);
  });

  it('every gRPC service has a headless Service exposing its grpc port', () => {
    const services = byKind(objects, 'Service');
    const missing = pods
      .filter(
        ({ object, spec: podSpec }) =>
          object.kind === 'Deployment' &&
          podSpec.containers.some((c) => c.ports?.some((p) => p.name === 'grpc')),
      )
      .filter(
        ({ labels }) =>
          !services.some((svc) => {
            const s = spec<IServiceSpec>(svc);
            return (
              s.clusterIP === 'None' &&
              selects(s.selector, labels) &&
              s.ports?.some((p) => p.name === 'grpc')
            );
          }),
      )
      .map(({ object }) => where(object));
    expect(missing).toEqual([]);
  });

  it('every service Deployment has a PDB, and an HPA only when autoscaling is on; otherwise it sets replicas', () => {
    const hpas = byKind(objects, 'HorizontalPodAutoscaler').map((o) =>
      spec<NonNullable<IHorizontalPodAutoscaler['spec']>>(o),
    );
    const pdbs = byKind(objects, 'PodDisruptionBudget').map((o) =>
      spec<NonNullable<IPodDisruptionBudget['spec']>>(o),
    );
    const problems: string[] = [];
    // The Kinema services; the bundled collector and Jaeger are single replicas by design.
    const services: readonly string[] = serviceNames;
    const deployments = pods.filter(
      ({ object, labels }) =>
        object.kind === 'Deployment' && services.includes(component(labels) ?? ''),
    );
    expect(deployments.map(({ labels }) => component(labels))).toEqual(
      expect.arrayContaining(['gateway', 'catalog']),
    );
    const policiesOff = options.valuesFile === 'policies-off-values.yaml';
    // Whether the values file turns this service's HPA on (the chart's defaults never do).
    const values = (
      options.valuesFile
        ? parse(readFileSync(path.join(ciValuesDir, options.valuesFile), 'utf8'))
        : {}
    ) as Record<string, { autoscaling?: { enabled?: boolean } } | undefined>;
    for (const { object, labels } of deployments) {
      const autoscalingOn = values[component(labels) ?? '']?.autoscaling?.enabled === true;
      const hpa = hpas.find(
        (h) =>
          h.scaleTargetRef.kind === 'Deployment' && h.scaleTargetRef.name === object.metadata.name,
      );
      const replicas = spec<IDeploymentSpec>(object).replicas;
      if (!autoscalingOn) {
        if (hpa) problems.push(`${where(object)} has an HPA`);
        if (replicas === undefined) problems.push(`${where(object)} sets no replicas`);
      } else {
        if (!hpa) problems.push(`${where(object)} has no HPA`);
        else if (!hpa.metrics?.some((m) => m.resource?.name === 'cpu'))
          problems.push(`${where(object)} HPA not on CPU`);
        // The HPA owns the replica count; a value here would fight it on every upgrade.
        if (replicas !== undefined) problems.push(`${where(object)} sets replicas under an HPA`);
      }
      const pdb = pdbs.find((p) => selects(p.selector?.matchLabels, labels));
      if (!pdb && !policiesOff) problems.push(`${where(object)} has no PDB`);
    }
    expect(problems).toEqual([]);
  });

  it('every Secret reference points at a rendered Secret key or a declared existing Secret', () => {
    const secrets = new Map(
      byKind(objects, 'Secret').map((s) => [
        s.metadata.name,
        new Set(
          Object.keys({
            ...(s['data'] as object | undefined),
            ...(s['stringData'] as object | undefined),
          }),
        ),
      ]),
    );
    const dangling: string[] = [];
    for (const { object, spec: podSpec } of pods) {
      for (const c of allContainers(podSpec)) {
        for (const env of c.env ?? []) {
          const ref = env.valueFrom?.secretKeyRef;
          if (!ref) continue;
          const keys = secrets.get(ref.name ?? '');
          if (keys ? !keys.has(ref.key) : !declaredExistingSecrets.has(ref.name ?? '')) {
            dangling.push(`${where(object, c)} ${env.name} -> ${ref.name}/${ref.key}`);
          }
        }
        for (const from of c.envFrom ?? []) {
          if (from.secretRef && !secrets.has(from.secretRef.name ?? ''))
            dangling.push(`${where(object, c)} envFrom ${from.secretRef.name}`);
        }
      }
      for (const volume of podSpec.volumes ?? []) {
        const name = volume.secret?.secretName ?? '';
        if (volume.secret && !secrets.has(name) && !declaredExistingSecrets.has(name))
          dangling.push(`${where(object)} volume ${volume.secret.secretName}`);
      }
    }
    expect(dangling).toEqual([]);
  });

  it('keeps credentials out of ConfigMaps and plain env values', () => {
    const leaks: string[] = [];
    const credential = /:\/\/[^/\s:@]+:[^/\s@]+@|password|secret/i;
    for (const cm of byKind(objects, 'ConfigMap')) {
      for (const [key, value] of Object.entries(
        (cm['data'] as Record<string, string> | undefined) ?? {},
      )) {
        // The provisioning script names password variables but must not contain values.
        if (/:\/\/[^/\s:@]+:[^/\s@$]+@/.test(value))
          leaks.push(`ConfigMap/${cm.metadata.name} ${key}`);
      }
    }
    for (const { object, spec: podSpec } of pods) {
      for (const c of allContainers(podSpec)) {
        for (const env of c.env ?? []) {
          // $(VAR) references are expanded by the kubelet from secret-backed variables.
          if (
            env.value !== undefined &&
            credential.test(env.value) &&
            !/\$\([A-Z_]+\)/.test(env.value)
          ) {
            leaks.push(`${where(object, c)} ${env.name}`);
          }
          if (
            /PASSWORD|SECRET|DATABASE_URL|ACCESS_KEY|REDIS_URL/.test(env.name) &&
            env.value !== undefined &&
            !env.value.includes('$(')
          ) {
            leaks.push(`${where(object, c)} ${env.name} is a plain value`);
          }
        }
      }
    }
    expect(leaks).toEqual([]);
  });

  it('gives every Kinema service a ServiceAccount without a token', () => {
    const accounts = byKind(objects, 'ServiceAccount');
    const problems = pods
      .filter(({ object }) => object.kind === 'Deployment')
      .flatMap(({ object, spec: podSpec }) => {
        const account = accounts.find((a) => a.metadata.name === podSpec.serviceAccountName);
        if (!account) return [`${where(object)} has no ServiceAccount of its own`];
        return account['automountServiceAccountToken'] === false
          ? []
          : [`${where(object)} token mounted`];
      });
    expect(problems).toEqual([]);
  });
});

describe('laptop budget', () => {
  function requested(objects: readonly K8sObject[]): { cpu: number; memory: number } {
    const hpas = byKind(objects, 'HorizontalPodAutoscaler').map((o) =>
      spec<NonNullable<IHorizontalPodAutoscaler['spec']>>(o),
    );
    let cpu = 0;
    let memory = 0;
    for (const { object, spec: podSpec } of podTemplates(objects)) {
      // `helm test` pods run only on demand, after the release is up.
      if (isHook(object)) continue;
      let replicas = 1;
      if (object.kind === 'Deployment') {
        const hpa = hpas.find((h) => h.scaleTargetRef.name === object.metadata.name);
        replicas = hpa?.minReplicas ?? spec<IDeploymentSpec>(object).replicas ?? 1;
      } else if (object.kind === 'StatefulSet') {
        replicas = spec<IStatefulSetSpec>(object).replicas ?? 1;
      } else if (object.kind === 'Job') {
        replicas = spec<IJobSpec>(object).parallelism ?? 1;
      }
      for (const c of podSpec.containers) {
        cpu += replicas * milliCpu(c.resources?.requests?.['cpu']);
        memory += replicas * bytes(c.resources?.requests?.['memory']);
      }
    }
    return { cpu, memory };
  }

  it('the default release requests at most 2 CPU and 3 GiB', () => {
    const total = requested(render({ valuesFile: 'default-values.yaml' }));
    expect(total.cpu).toBeGreaterThan(0);
    expect(total.cpu).toBeLessThanOrEqual(2000);
    expect(total.memory).toBeLessThanOrEqual(3 * 1024 ** 3);
  });

  it('stays within the budget with all four services on', () => {
    const total = requested(render(allServicesOn));
    expect(total.cpu).toBeLessThanOrEqual(2000);
    expect(total.memory).toBeLessThanOrEqual(3 * 1024 ** 3);
  });

  it('stays within the budget as k8s/scripts install it: HPAs, the collector and Jaeger on', () => {
    const total = requested(
      render({
        valuesFile: 'autoscaling-on-values.yaml',
        set: ['observability.collector.enabled=true', 'observability.jaeger.enabled=true'],
      }),
    );
    expect(total.cpu).toBeLessThanOrEqual(2000);
    expect(total.memory).toBeLessThanOrEqual(3 * 1024 ** 3);
  });

  it('counts every Kinema service', () => {
    const rendered = podTemplates(render(allServicesOn)).map(({ labels }) => component(labels));
    expect(rendered).toEqual(expect.arrayContaining([...serviceNames]));
  });
});

describe('what restarts pods', () => {
  const objects = render(allServicesOn);

  it('a chart bump alone restarts nothing: pod templates carry no chart or app version label', () => {
    const versioned = podTemplates(objects)
      .filter(({ object }) => object.kind === 'Deployment' || object.kind === 'StatefulSet')
      .filter(({ labels }) => 'helm.sh/chart' in labels || 'app.kubernetes.io/version' in labels)
      .map(({ object }) => where(object));
    expect(versioned).toEqual([]);
  });

  it('a change to the Secrets rolls the services, through a checksum annotation', () => {
    const checksums = (rendered: readonly K8sObject[]) =>
      podTemplates(rendered)
        .filter(({ object }) => object.kind === 'Deployment')
        .map(
          ({ object }) =>
            (
              object['spec'] as {
                template: { metadata?: { annotations?: Record<string, string> } };
              }
            ).template.metadata?.annotations?.['checksum/secrets'],
        );
    const before = checksums(objects);
    // Rendering again changes nothing (generated passwords differ between renders).
    expect(
      checksums(
        render({ ...allServicesOn, set: [...(allServicesOn.set ?? []), 'tests.enabled=true'] }),
      ),
    ).toEqual(before);
    const after = checksums(
      render({
        ...allServicesOn,
        set: [...(allServicesOn.set ?? []), 'secrets.existingSecret=mine'],
      }),
    );
    expect(before.every((sum) => /^[0-9a-f]{64}$/.test(sum ?? ''))).toBe(true);
    expect(after.every((sum, i) => sum !== before[i])).toBe(true);
  });
});

describe("the services' readiness and liveness probes", () => {
  it("ask as the launcher asks its replicas (a gateway's READINESS_PROBE, every replica's LIVENESS_PROBE): the same period, wait and failures", () => {
    const services: readonly string[] = serviceNames;
    const asked = (probe: IContainer['readinessProbe']) => ({
      periodMs: (probe?.periodSeconds ?? 0) * 1000,
      timeoutMs: (probe?.timeoutSeconds ?? 0) * 1000,
      failureThreshold: probe?.failureThreshold,
    });
    const probes = podTemplates(render(allServicesOn))
      .filter(
        ({ object, labels }) =>
          object.kind === 'Deployment' && services.includes(component(labels) ?? ''),
      )
      .map(({ labels, spec: podSpec }) => {
        const container = podSpec.containers[0];
        return [
          component(labels),
          {
            readiness: asked(container?.readinessProbe),
            liveness: asked(container?.livenessProbe),
          },
        ];
      });
    expect(Object.fromEntries(probes)).toEqual(
      Object.fromEntries(
        serviceNames.map((name) => [
          name,
          { readiness: READINESS_PROBE, liveness: LIVENESS_PROBE },
        ]),
      ),
    );
  });
});
