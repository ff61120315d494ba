import type { IContainer } from 'kubernetes-models/v1/Container';
import { releaseName, releaseNamespace } from './helm';
import { byKind, type K8sObject } from './k8s-objects';

/** Every rendered Secret's data, base64-decoded, by Secret name. */
export function decodedSecrets(objects: readonly K8sObject[]): Map<string, Record<string, string>> {
  return new Map(
    byKind(objects, 'Secret').map((secret) => [
      secret.metadata.name,
      Object.fromEntries(
        Object.entries((secret['data'] as Record<string, string> | undefined) ?? {}).map(
          ([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')],
        ),
      ),
    ]),
  );
}

/** Every rendered ConfigMap's data, by ConfigMap name. */
export function configMapData(objects: readonly K8sObject[]): Map<string, Record<string, string>> {
  return new Map(
    byKind(objects, 'ConfigMap').map((map) => [
      map.metadata.name,
      (map['data'] as Record<string, string> | undefined) ?? {},
    ]),
  );
}

/**
 * The kubelet's dependent-variable expansion: `$(NAME)` becomes the value of a variable defined
 * earlier in the list, `$$` becomes `$`, and a reference to anything else stays as written.
 */
export function expandReferences(value: string, earlier: Readonly<Record<string, string>>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name?: string) => {
    if (match === '$$') return '$';
    return name !== undefined && Object.hasOwn(earlier, name) ? (earlier[name] ?? '') : match;
  });
}

/** The pod fields the downward API gives a container here: a Deployment pod's name and namespace. */
export function samplePodFields(container: IContainer): Record<string, string> {
  return {
    'metadata.name': `${releaseName}-${container.name}-7d4b9c8f6d-x2k4q`,
    'metadata.namespace': releaseNamespace,
  };
}

/**
 * The environment a container would see: secret references resolved from the rendered Secrets
 * (else from `external`, for Secrets made outside the chart), ConfigMap references from the
 * rendered ConfigMaps, downward-API fields from `samplePodFields`, and `$(NAME)` references
 * expanded. Throws on a reference nothing can resolve, as the kubelet refuses to start such a
 * container.
 */
export function containerEnv(
  objects: readonly K8sObject[],
  container: IContainer,
  external: (name: string, secret: string, key: string) => string | undefined = () => undefined,
): Record<string, string> {
  const secrets = decodedSecrets(objects);
  const configMaps = configMapData(objects);
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    const mapRef = variable.valueFrom?.configMapKeyRef;
    const fieldRef = variable.valueFrom?.fieldRef;
    if (variable.value !== undefined) {
      env[variable.name] = expandReferences(variable.value, env);
    } else if (ref) {
      const value =
        secrets.get(ref.name ?? '')?.[ref.key] ?? external(variable.name, ref.name ?? '', ref.key);
      if (value === undefined)
        throw new Error(
          `${container.name}: ${variable.name} reads ${ref.name}/${ref.key}, not rendered`,
        );
      env[variable.name] = value;
    } else if (mapRef) {
      const value = configMaps.get(mapRef.name ?? '')?.[mapRef.key];
      if (value === undefined)
        throw new Error(
          `${container.name}: ${variable.name} reads ConfigMap ${mapRef.name}/${mapRef.key}, not rendered`,
        );
      env[variable.name] = value;
    } else if (fieldRef) {
      const value = samplePodFields(container)[fieldRef.fieldPath];
      if (value === undefined)
        throw new Error(
          `${container.name}: ${variable.name} reads pod field ${fieldRef.fieldPath}`,
        );
      env[variable.name] = value;
    } else if (variable.valueFrom) {
      throw new Error(`${container.name}: ${variable.name} uses an unsupported valueFrom`);
    }
  }
  return env;
}

/** Names that some variable of the container references as `$(NAME)`. */
export function referencedNames(container: IContainer): Set<string> {
  const referenced = new Set<string>();
  for (const variable of container.env ?? []) {
    for (const match of (variable.value ?? '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g))
      if (match[1]) referenced.add(match[1]);
  }
  return referenced;
}
