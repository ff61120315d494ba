import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { allServicesOn, releaseNamespace, render, renderError } from './support/helm';
import {
  allContainers,
  byKind,
  component,
  plainEnv,
  podTemplates,
  serviceDeployment,
  type K8sObject,
} from './support/k8s-objects';
import { PolicyModel, type Endpoint } from './support/network-policy';
import { chartDir, repoRoot } from './support/repo';

const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
const minio = { valuesFile: 'minio-values.yaml' };

function imagesOf(objects: readonly K8sObject[], name: string): string[] {
  return podTemplates(objects)
    .filter(({ labels }) => component(labels) === name)
    .flatMap(({ spec }) => allContainers(spec).map((c) => c.image ?? ''));
}

function pod(objects: readonly K8sObject[], name: string): Endpoint {
  const found = podTemplates(objects).find(({ labels }) => component(labels) === name);
  if (!found) throw new Error(`no ${name} pod rendered`);
  return { namespace: releaseNamespace, labels: found.labels };
}

describe('image digests', () => {
  it.each([
    ['postgresql.image', 'postgresql', 'postgres:18.6-alpine'],
    ['kafka.image', 'kafka', 'apache/kafka:4.1.1'],
    ['seaweedfs.image', 'seaweedfs', 'chrislusf/seaweedfs:3.97'],
    ['minio.bucketJob.image', 'seaweedfs-bucket', 'quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z'],
  ])('%s.digest pins the %s image as repository:tag@digest', (value, name, image) => {
    const objects = render({ set: [`${value}.digest=${digest}`] });
    expect(imagesOf(objects, name)).toEqual([`${image}@${digest}`]);
  });

  it('MinIO takes a digest too', () => {
    const objects = render({ ...minio, set: [`minio.image.digest=${digest}`] });
    expect(imagesOf(objects, 'minio')).toEqual([
      `quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z@${digest}`,
    ]);
  });

  it('redis.image.digest and pgbouncer.image.digest pin their images', () => {
    const objects = render({
      set: [
        'gateway.replicas=2',
        'pgbouncer.enabled=true',
        `redis.image.digest=${digest}`,
        `pgbouncer.image.digest=${digest}`,
      ],
    });
    expect(imagesOf(objects, 'redis')).toEqual([`redis:8.10.1-alpine@${digest}`]);
    expect(imagesOf(objects, 'pgbouncer')).toEqual([
      `ghcr.io/cloudnative-pg/pgbouncer:1.25.2@${digest}`,
    ]);
  });

  it.each(['sha256:abc', 'latest', `sha512:${'0'.repeat(64)}`, `${digest}\n`])(
    'the schema refuses the digest %j',
    (bad) => {
      expect(renderError({ set: [`minio.image.digest=${bad}`] })).toMatch(/digest/);
    },
  );

  // Digests cannot be resolved without registry access; the README must say which are not pinned.
  it('the README names every default image that is tag-only', () => {
    const values = parse(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    const images: Array<{ repository: string; digest: string }> = [];
    const collect = (node: unknown): void => {
      if (node === null || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      if (typeof record['repository'] === 'string' && 'digest' in record)
        images.push(record as unknown as { repository: string; digest: string });
      Object.values(record).forEach(collect);
    };
    collect(values);
    const tagOnly = images.filter((image) => !image.digest).map((image) => image.repository);
    expect(tagOnly.length).toBeGreaterThan(0);
    const readme = readFileSync(path.join(repoRoot, 'k8s/README.md'), 'utf8');
    const section = /### Pinning images by digest\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
    expect(tagOnly.filter((repository) => !section.includes(`\`${repository}\``))).toEqual([]);
  });
});

describe('the bucket Job', () => {
  it('runs mc from its own image, so swapping the server image leaves it working', () => {
    const objects = render({
      ...minio,
      set: ['minio.image.repository=registry.example/my-minio'],
    });
    const [job] = byKind(objects, 'Job').filter(
      (o) => component(o.metadata.labels) === 'minio-bucket',
    );
    expect(job).toBeDefined();
    expect(imagesOf(objects, 'minio-bucket')).toEqual([
      'quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z',
    ]);
    expect(imagesOf(objects, 'minio')).toEqual([
      'registry.example/my-minio:RELEASE.2025-09-07T16-13-09Z',
    ]);
  });
});

describe('objectStorage.engine=seaweedfs, the default', () => {
  const objects = render(allServicesOn);
  const model = new PolicyModel(objects, releaseNamespace);

  it('runs SeaweedFS instead of MinIO', () => {
    const stores = byKind(objects, 'StatefulSet').map((s) => component(s.metadata.labels));
    expect(stores).toContain('seaweedfs');
    expect(stores).not.toContain('minio');
    expect(imagesOf(objects, 'seaweedfs')).toEqual(['chrislusf/seaweedfs:3.97']);
  });

  it("points the videos service's S3 client at SeaweedFS's S3 port", () => {
    const videos = serviceDeployment(objects, 'videos')?.spec.containers[0];
    const env = videos ? plainEnv(videos) : new Map<string, string>();
    expect(env.get('S3_ENDPOINT')).toBe(
      `http://kinema-seaweedfs.${releaseNamespace}.svc.cluster.local:8333`,
    );
    expect(env.get('S3_FORCE_PATH_STYLE')).toBe('true');
  });

  it('gives SeaweedFS the videos credentials, limited to the bucket, and the root user', () => {
    const [container] = podTemplates(objects)
      .filter(({ labels }) => component(labels) === 'seaweedfs')
      .map(({ spec }) => spec.containers[0]);
    const script = (container?.command ?? []).join('\n');
    expect(script).toContain('-s3.config=/tmp/s3.json');
    expect(script).toMatch(/"Write:\$BUCKET"/);
    const refs = (container?.env ?? []).map((e) => e.valueFrom?.secretKeyRef?.key).filter(Boolean);
    expect(refs.sort()).toEqual([
      'access-key-id',
      'root-password',
      'root-user',
      'secret-access-key',
    ]);
  });

  it('the NetworkPolicies follow: videos, the gateway (presigned reads) and the bucket Job reach SeaweedFS on 8333, nothing else', () => {
    const store = pod(objects, 'seaweedfs');
    expect(model.allows(pod(objects, 'videos'), store, 8333)).toBe(true);
    expect(model.allows(pod(objects, 'seaweedfs-bucket'), store, 8333)).toBe(true);
    expect(model.allows(pod(objects, 'videos'), store, 9333)).toBe(false);
    expect(model.allows(pod(objects, 'catalog'), store, 8333)).toBe(false);
    expect(model.allows(pod(objects, 'gateway'), store, 8333)).toBe(true);
    expect(model.allows(store, { external: true }, 443)).toBe(false);
  });

  it('MinIO is one value away', () => {
    const stores = byKind(render(minio), 'StatefulSet').map((s) => component(s.metadata.labels));
    expect(stores).toContain('minio');
    expect(stores).not.toContain('seaweedfs');
  });
});
