import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chartDir, repoRoot } from './support/repo';
import { releaseName, releaseNamespace, render, runHelm } from './support/helm';
import { allContainers, byKind, podTemplates, type K8sObject } from './support/k8s-objects';

// Two gateway replicas, so the chart's Redis (and its password) is rendered too.
const everyService = ['users.enabled=true', 'videos.enabled=true', 'gateway.replicas=2'];
const existing: Record<string, string> = {
  'secrets.existingSecret': 'kinema-app-secrets',
  'postgresql.existingSecret': 'kinema-postgresql-credentials',
  'minio.existingSecret': 'kinema-minio-credentials',
  'redis.existingSecret': 'kinema-redis-credentials',
};
const existingSet = Object.entries(existing).map(([key, name]) => `${key}=${name}`);

function template(set: readonly string[]): string {
  const args = ['template', releaseName, chartDir, '--namespace', releaseNamespace];
  for (const value of set) args.push('--set', value);
  const result = runHelm(args);
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout;
}

/** Keys the rendered pods read from Secret `name`. */
function keysRead(objects: readonly K8sObject[], name: string): string[] {
  const keys = new Set<string>();
  for (const { spec } of podTemplates(objects))
    for (const container of allContainers(spec))
      for (const env of container.env ?? [])
        if (env.valueFrom?.secretKeyRef?.name === name) keys.add(env.valueFrom.secretKeyRef.key);
  return [...keys].sort();
}

/** The README's table: value -> keys the Secret must hold. */
function documentedKeys(): Map<string, string[]> {
  const readme = readFileSync(path.join(repoRoot, 'k8s/README.md'), 'utf8');
  const rows = [...readme.matchAll(/^\| `([a-z]+\.existingSecret)` +\| (.+?) +\|$/gm)];
  return new Map(
    rows.map((row) => [
      row[1] ?? '',
      [...(row[2] ?? '').matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1] ?? '').sort(),
    ]),
  );
}

describe('credentials from existing Secrets (helm template, Argo CD)', () => {
  it('two renders are identical when every credential comes from an existing Secret', () => {
    const set = [...everyService, ...existingSet];
    expect(template(set)).toEqual(template(set));
  });

  it('without them two renders differ, because passwords are generated', () => {
    expect(template(everyService)).not.toEqual(template(everyService));
  });

  it('renders no Secret, so no generated password', () => {
    const objects = render({ set: [...everyService, ...existingSet] });
    expect(byKind(objects, 'Secret').map((s) => s.metadata.name)).toEqual([]);
  });

  it.each(Object.entries(existing))(
    '%s: the keys the README lists are exactly the keys the templates read',
    (value, name) => {
      const objects = render({ set: [...everyService, ...existingSet] });
      const documented = documentedKeys().get(value);
      expect(documented).toBeDefined();
      expect(keysRead(objects, name)).toEqual(documented);
    },
  );

  it('PostgreSQL, the object store and Redis read their credentials from the named Secrets', () => {
    const objects = render({ set: [...everyService, ...existingSet] });
    const readers = (name: string) =>
      podTemplates(objects)
        .filter(({ spec }) =>
          allContainers(spec).some((c) =>
            (c.env ?? []).some((e) => e.valueFrom?.secretKeyRef?.name === name),
          ),
        )
        .map(({ object }) => `${object.kind}/${object.metadata.name}`)
        .sort();
    expect(readers(existing['postgresql.existingSecret'] ?? '')).toEqual(
      expect.arrayContaining([
        'Deployment/kinema-catalog',
        expect.stringMatching(/^Job\/kinema-postgresql-provision-[0-9a-f]{10}$/),
        'StatefulSet/kinema-postgresql',
      ]),
    );
    expect(readers(existing['minio.existingSecret'] ?? '')).toEqual(
      expect.arrayContaining([
        'Deployment/kinema-videos',
        expect.stringMatching(/^Job\/kinema-seaweedfs-bucket-[0-9a-f]{10}$/),
        'StatefulSet/kinema-seaweedfs',
      ]),
    );
    expect(readers(existing['redis.existingSecret'] ?? '')).toEqual([
      'Deployment/kinema-gateway',
      'Deployment/kinema-redis',
    ]);
  });
});
