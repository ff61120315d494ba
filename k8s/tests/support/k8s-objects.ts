import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import { appNames } from './repo';

/** A rendered Kubernetes object: the fields every kind has; the rest is read through helpers. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export interface PodTemplateOwner {
  object: K8sObject;
  /** Labels the pods get. */
  labels: Record<string, string>;
  spec: IPodSpec;
}

interface WithPodTemplate {
  spec: { template: { metadata?: { labels?: Record<string, string> }; spec: IPodSpec } };
}

const workloadKinds = new Set(['Deployment', 'StatefulSet', 'Job', 'DaemonSet']);

export function byKind(objects: readonly K8sObject[], kind: string): K8sObject[] {
  return objects.filter((object) => object.kind === kind);
}

export function find(
  objects: readonly K8sObject[],
  kind: string,
  name: string,
): K8sObject | undefined {
  return objects.find((object) => object.kind === kind && object.metadata.name === name);
}

/** Every pod the release can create: workload templates and bare Pods (the helm test hooks). */
export function podTemplates(objects: readonly K8sObject[]): PodTemplateOwner[] {
  const pods: PodTemplateOwner[] = [];
  for (const object of objects) {
    if (workloadKinds.has(object.kind)) {
      const template = (object as unknown as WithPodTemplate).spec.template;
      pods.push({ object, labels: template.metadata?.labels ?? {}, spec: template.spec });
    } else if (object.kind === 'Pod') {
      pods.push({ object, labels: object.metadata.labels ?? {}, spec: object['spec'] as IPodSpec });
    }
  }
  return pods;
}

/**
 * The image of each Kinema pod: the services' Deployments by component, the `helm test` Pods by
 * name (not the bundled third-party Deployments such as the OpenTelemetry Collector).
 */
export function kinemaPodImages(objects: readonly K8sObject[]): Map<string, string> {
  const apps: readonly string[] = appNames;
  return new Map(
    podTemplates(objects)
      .filter(
        (pod) =>
          (pod.object.kind === 'Deployment' && apps.includes(component(pod.labels) ?? '')) ||
          pod.object.kind === 'Pod',
      )
      .map((pod) => [
        pod.object.kind === 'Pod' ? pod.object.metadata.name : (component(pod.labels) ?? ''),
        pod.spec.containers[0]?.image ?? '',
      ]),
  );
}

export function allContainers(spec: IPodSpec): IContainer[] {
  return [...(spec.initContainers ?? []), ...spec.containers];
}

export function component(labels: Record<string, string> | undefined): string | undefined {
  return labels?.['app.kubernetes.io/component'];
}

export function isHook(object: K8sObject): boolean {
  return object.metadata.annotations?.['helm.sh/hook'] !== undefined;
}

/** The Deployment of one Kinema service, if rendered. */
export function serviceDeployment(
  objects: readonly K8sObject[],
  service: string,
): PodTemplateOwner | undefined {
  return podTemplates(objects).find(
    (pod) => pod.object.kind === 'Deployment' && component(pod.labels) === service,
  );
}

export function envOf(container: IContainer): IEnvVar[] {
  return container.env ?? [];
}

export function plainEnv(container: IContainer): Map<string, string> {
  return new Map(
    envOf(container)
      .filter((env) => env.value !== undefined)
      .map((env) => [env.name, env.value ?? '']),
  );
}

/** True when every matchLabels entry appears in labels (the selectors here use matchLabels only). */
export function selects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return false;
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

export function spec<T>(object: K8sObject): T {
  return object['spec'] as T;
}

/** CPU quantity in millicores. */
export function milliCpu(quantity: string | number | undefined): number {
  if (quantity === undefined) return 0;
  const text = String(quantity);
  return text.endsWith('m') ? Number(text.slice(0, -1)) : Number(text) * 1000;
}

const memoryUnits: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
};

/** Memory quantity in bytes. */
export function bytes(quantity: string | number | undefined): number {
  if (quantity === undefined) return 0;
  const match = /^([0-9.]+)([a-zA-Z]*)$/.exec(String(quantity));
  const unit = match?.[2] ?? '';
  if (!match || !(unit in memoryUnits)) throw new Error(`unsupported memory quantity ${quantity}`);
  return Number(match[1]) * (memoryUnits[unit] ?? 1);
}
