import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadgenOn, render, renderError } from './support/helm';
import { containerEnv } from './support/container-env';
import { byKind, envOf, serviceDeployment } from './support/k8s-objects';
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
    ['a think time of the load generator that is no duration range', 'loadgen.think=fast', /think/],
    [
      'a load generator variable the chart sets itself',
      'loadgen.env.LOAD_TARGET=http://elsewhere',
      /LOAD_TARGET/,
    ],
  ])('rejects %s', (_label, value, message) => {
    expect(renderError({ set: [value] })).toMatch(message);
  });
});

describe('the optional load generator', () => {
  const loadgenObjects = (set: readonly string[]) =>
    render({ set }).filter((o) => o.metadata.name.startsWith('kinema-loadgen'));
  const adminEnv = (set: string[]) => {
    const container = serviceDeployment(render({ set }), 'loadgen')?.spec.containers[0];
    if (!container) throw new Error('loadgen not rendered');
    return envOf(container).filter((env) => env.name.startsWith('LOAD_ADMIN_'));
  };

  it('is off by default: nothing of it is rendered', () => {
    expect(loadgenObjects([])).toEqual([]);
  });

  it('renders a Deployment, its ServiceAccount and its NetworkPolicies when on', () => {
    expect(loadgenObjects(loadgenOn.set ?? []).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(
      expect.arrayContaining([
        'Deployment/kinema-loadgen',
        'ServiceAccount/kinema-loadgen',
        'NetworkPolicy/kinema-loadgen',
        'NetworkPolicy/kinema-loadgen-to-gateway',
      ]),
    );
  });

  it("signs in as the chart's admin, its password from the app Secret; or runs viewers only", () => {
    expect(adminEnv(['loadgen.enabled=true'])).toEqual([
      { name: 'LOAD_ADMIN_EMAIL', value: 'admin@kinema.local' },
      {
        name: 'LOAD_ADMIN_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'kinema-app', key: 'bootstrap-admin-password' } },
      },
    ]);
    expect(adminEnv(['loadgen.enabled=true', 'loadgen.admin=false'])).toEqual([]);
    expect(adminEnv(['loadgen.enabled=true', 'users.bootstrapAdmin.email='])).toEqual([]);
  });

  it('refuses to render without the gateway it drives, saying so', () => {
    expect(renderError({ set: ['loadgen.enabled=true', 'gateway.enabled=false'] })).toMatch(
      /loadgen\.enabled=true needs gateway\.enabled=true/,
    );
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
