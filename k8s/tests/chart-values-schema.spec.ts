import { readFileSync } from 'node:fs';
import path from 'node:path';
import { render, renderError } from './support/helm';
import { containerEnv } from './support/container-env';
import { byKind, serviceDeployment } from './support/k8s-objects';
import { chartDir } from './support/repo';

interface SchemaNode {
  type?: string | string[];
  additionalProperties?: boolean | SchemaNode;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
}

describe('values.schema.json', () => {
  const schema = JSON.parse(
    readFileSync(path.join(chartDir, 'values.schema.json'), 'utf8'),
  ) as SchemaNode;

  it('closes every object that lists its properties', () => {
    const open: string[] = [];
    const visit = (node: SchemaNode, at: string): void => {
      if (node.properties && node.additionalProperties !== false) open.push(at || '(root)');
      for (const [key, child] of Object.entries(node.properties ?? {}))
        visit(child, `${at}.${key}`);
      if (node.items) visit(node.items, `${at}[]`);
    };
    visit(schema, '');
    expect(open).toEqual([]);
  });

  it.each([
    ['an unknown top-level key', 'replicaCount=2', /additional properties|replicaCount/i],
    ['a misspelt component key', 'catalog.replica=2', /replica/],
    ['an environment variable no app reads', 'catalog.env.DATABSE_POOL_MAX=5', /DATABSE_POOL_MAX/],
    ['a latest image tag', 'catalog.image.tag=latest', /tag/],
    ['a database name that is not an identifier', 'catalog.database.name=cat;drop', /name/],
  ])('rejects %s', (_label, value, message) => {
    expect(renderError({ set: [value] })).toMatch(message);
  });
});

describe('switching a bundled backing service off', () => {
  it.each([
    [
      'postgresql.enabled=false',
      /externalDatabase\.urls\.catalog or externalDatabase\.existingSecret/,
    ],
    ['kafka.enabled=false', /externalKafka\.brokers/],
  ])('%s without an endpoint fails with a message naming the value to set', (value, message) => {
    expect(renderError({ set: [value] })).toMatch(message);
  });

  it('minio.enabled=false with videos on requires externalS3', () => {
    expect(renderError({ set: ['videos.enabled=true', 'minio.enabled=false'] })).toMatch(
      /externalS3\.endpoint/,
    );
  });

  it('an external database URL lands in a Secret, never in the workload', () => {
    const url = 'postgresql://catalog:s3cr3t@db.example:5432/catalog';
    const objects = render({
      set: [
        'postgresql.enabled=false',
        `externalDatabase.urls.catalog=${url}`,
        'externalDatabase.urls.users=postgresql://users:s3cr3t@db.example:5432/users',
        'externalDatabase.urls.videos=postgresql://videos:s3cr3t@db.example:5432/videos',
      ],
    });
    const secret = byKind(objects, 'Secret').find((s) => s.metadata.name === 'kinema-database');
    const data = (secret?.['data'] as Record<string, string> | undefined) ?? {};
    expect(Buffer.from(data['catalog-database-url'] ?? '', 'base64').toString()).toBe(url);
    const elsewhere = objects.filter((o) => o.kind !== 'Secret').map((o) => JSON.stringify(o));
    expect(elsewhere.some((text) => text.includes('s3cr3t'))).toBe(false);
    expect(byKind(objects, 'StatefulSet').map((s) => s.metadata.name)).not.toContain(
      'kinema-postgresql',
    );
  });
});

describe('generated credentials', () => {
  it('are kept on uninstall because the data volumes outlive the release', () => {
    const kept = byKind(render(), 'Secret')
      .filter((s) => s.metadata.annotations?.['helm.sh/resource-policy'] === 'keep')
      .map((s) => s.metadata.name);
    expect(kept).toEqual(
      expect.arrayContaining(['kinema-app', 'kinema-postgresql', 'kinema-minio']),
    );
  });

  it('build each database URL from the password stored for that service', () => {
    const objects = render();
    const postgresql = byKind(objects, 'Secret').find(
      (s) => s.metadata.name === 'kinema-postgresql',
    );
    const stored = Buffer.from(
      (postgresql?.['data'] as Record<string, string> | undefined)?.['catalog-password'] ?? '',
      'base64',
    ).toString();
    const catalog = serviceDeployment(objects, 'catalog')?.spec.containers[0];
    if (!catalog) throw new Error('catalog not rendered');
    const url = new URL(containerEnv(objects, catalog)['DATABASE_URL'] ?? '');
    expect(url.username).toBe('catalog');
    expect(url.password).toBe(stored);
    expect(url.password.length).toBeGreaterThanOrEqual(32);
  });
});
