import { configMapData, containerEnv } from './support/container-env';
import { render, renderError, type RenderOptions } from './support/helm';
import {
  byKind,
  component,
  podTemplates,
  serviceDeployment,
  type K8sObject,
} from './support/k8s-objects';
import { PolicyModel } from './support/network-policy';

// The scripts' install (an HPA per service), with the catalog's HPA allowed ten replicas and
// enough partitions for them, so only the database budget is in question.
const tenCatalogReplicas = [
  'users.enabled=true',
  'videos.enabled=true',
  'gateway.autoscaling.enabled=true',
  'catalog.autoscaling.enabled=true',
  'users.autoscaling.enabled=true',
  'videos.autoscaling.enabled=true',
  'catalog.autoscaling.maxReplicas=10',
  'kafka.topics.partitions=12',
];
const withPgbouncer: RenderOptions = { set: [...tenCatalogReplicas, 'pgbouncer.enabled=true'] };

function pgbouncerIni(objects: readonly K8sObject[]): Map<string, string> {
  const ini = configMapData(objects).get('kinema-pgbouncer')?.['pgbouncer.ini'] ?? '';
  return new Map(
    [...ini.matchAll(/^(\w+) = (.*)$/gm)].map((m) => [m[1] ?? '', (m[2] ?? '').trim()]),
  );
}

describe('the connection budget', () => {
  it('10 catalog replicas with the bundled PostgreSQL alone fail to render, naming the values to change', () => {
    const message = renderError({ set: tenCatalogReplicas });
    expect(message).toContain('connection budget: PostgreSQL postgresql takes 90 connections');
    // (10 + 1 surge) x 6 + (3 + 1) x 6 + (3 + 1) x 6
    expect(message).toContain('catalog 11 pods x 6 + users 4 pods x 6 + videos 4 pods x 6 = 114');
    for (const value of [
      'autoscaling.maxReplicas',
      'env.DATABASE_POOL_MAX',
      'postgresql.maxConnections',
      'pgbouncer.enabled=true',
      'postgresql.perService=true',
    ])
      expect(message).toContain(value);
  });

  it('10 fixed replicas of each service fail too (the 180 connections of the review)', () => {
    const set = ['users.enabled=true', 'videos.enabled=true', 'kafka.topics.partitions=12'];
    for (const name of ['catalog', 'users', 'videos']) set.push(`${name}.replicas=10`);
    expect(renderError({ set })).toMatch(/= 198 could open at once/);
  });

  it('the default install and the scripts’ HPAs fit', () => {
    expect(() => render({ set: tenCatalogReplicas.slice(0, 6) })).not.toThrow();
    expect(() => render()).not.toThrow();
  });

  it('10 catalog replicas render with PgBouncer on, every service going through it', () => {
    const objects = render(withPgbouncer);
    for (const name of ['catalog', 'users', 'videos']) {
      const container = serviceDeployment(objects, name)?.spec.containers[0];
      if (!container) throw new Error(`${name} not rendered`);
      const url = new URL(containerEnv(objects, container)['DATABASE_URL'] ?? '');
      expect(url.host).toBe('kinema-pgbouncer.kinema.svc.cluster.local:6432');
      expect(url.pathname).toBe(`/${name}`);
    }
  });

  it("PgBouncer pools transactions, keeps the catalog's named statements and stays inside max_connections", () => {
    const objects = render(withPgbouncer);
    const ini = pgbouncerIni(objects);
    expect(ini.get('pool_mode')).toBe('transaction');
    // No statement after every transaction: the services hold no session state across one (their
    // migration lock is transaction-level, libs/platform/src/database/migrations.ts).
    expect(ini.get('server_reset_query_always')).toBeUndefined();
    // apps/catalog/src/titles/prepared-query.ts names at most 256 statement texts.
    expect(Number(ini.get('max_prepared_statements'))).toBeGreaterThanOrEqual(256);
    const replicas = byKind(objects, 'Deployment').find(
      (d) => component(d.metadata.labels) === 'pgbouncer',
    )?.['spec'] as { replicas: number };
    const databases = (configMapData(objects).get('kinema-pgbouncer')?.['pgbouncer.ini'] ?? '')
      .split('[pgbouncer]')[0]
      ?.match(/^\w+ = host=/gm);
    const serverConnections =
      replicas.replicas * Number(ini.get('max_db_connections')) * (databases?.length ?? 0);
    expect(databases).toHaveLength(3);
    expect(serverConnections).toBeLessThanOrEqual(100 - 10);
    // Every service pod's pool may land on one PgBouncer replica.
    expect(Number(ini.get('max_client_conn'))).toBeGreaterThanOrEqual(114);
  });

  it('PgBouncer logs in as each service with the password PostgreSQL was given', () => {
    const objects = render(withPgbouncer);
    const pod = podTemplates(objects).find(({ labels }) => component(labels) === 'pgbouncer');
    const container = pod?.spec.containers[0];
    if (!container) throw new Error('no PgBouncer');
    const env = containerEnv(objects, container);
    const script = (container.command ?? []).join('\n');
    for (const name of ['catalog', 'users', 'videos']) {
      expect(script).toContain(`'"%s" "%s"\\n' "${name}" "$${name.toUpperCase()}_PASSWORD"`);
      const service = serviceDeployment(objects, name)?.spec.containers[0];
      const serviceEnv = service ? containerEnv(objects, service) : {};
      expect(env[`${name.toUpperCase()}_PASSWORD`]).toBe(serviceEnv['DATABASE_PASSWORD']);
    }
  });

  it('the NetworkPolicies move the services behind PgBouncer', () => {
    const objects = render(withPgbouncer);
    const model = new PolicyModel(objects, 'kinema');
    const pod = (name: string) => ({
      namespace: 'kinema',
      labels: podTemplates(objects).find(({ labels }) => component(labels) === name)?.labels,
    });
    expect(model.allows(pod('catalog'), pod('pgbouncer'), 6432)).toBe(true);
    expect(model.allows(pod('pgbouncer'), pod('postgresql'), 5432)).toBe(true);
    expect(model.allows(pod('catalog'), pod('postgresql'), 5432)).toBe(false);
    expect(model.allows(pod('gateway'), pod('pgbouncer'), 6432)).toBe(false);
    expect(model.allows(pod('postgresql-provision'), pod('postgresql'), 5432)).toBe(true);
  });

  it('PgBouncer with its prepared-statement support off is refused: the catalog would break', () => {
    expect(
      renderError({ set: ['pgbouncer.enabled=true', 'pgbouncer.maxPreparedStatements=0'] }),
    ).toMatch(/the catalog runs named prepared statements/);
  });

  it('PgBouncer server pools that exceed max_connections are refused', () => {
    expect(
      renderError({
        set: ['pgbouncer.enabled=true', 'pgbouncer.replicas=2', 'users.enabled=true'],
      }),
    ).toMatch(/pgbouncer 2 replicas x poolSize 20 for catalog/);
  });
});

describe('one PostgreSQL per service database', () => {
  const set = [...tenCatalogReplicas, 'postgresql.perService=true'];
  const objects = render({ set });

  it('gives each service an instance of its own, so 10 catalog replicas fit', () => {
    const instances = byKind(objects, 'StatefulSet')
      .map((s) => component(s.metadata.labels))
      .filter((name) => name?.startsWith('postgresql'));
    expect(instances.sort()).toEqual([
      'postgresql-catalog',
      'postgresql-users',
      'postgresql-videos',
    ]);
    for (const name of ['catalog', 'users', 'videos']) {
      const container = serviceDeployment(objects, name)?.spec.containers[0];
      const url = new URL((container && containerEnv(objects, container)['DATABASE_URL']) ?? '');
      expect(url.hostname).toBe(`kinema-postgresql-${name}.kinema.svc.cluster.local`);
    }
  });

  it('each instance provisions only its own database and admits only its service', () => {
    const scripts = configMapData(objects);
    expect(scripts.get('kinema-postgresql-users-provision')?.['provision.sh']).toMatch(
      /CREATE DATABASE users /,
    );
    expect(scripts.get('kinema-postgresql-users-provision')?.['provision.sh']).not.toMatch(
      /CREATE DATABASE catalog /,
    );
    const model = new PolicyModel(objects, 'kinema');
    const pod = (name: string) => ({
      namespace: 'kinema',
      labels: podTemplates(objects).find(({ labels }) => component(labels) === name)?.labels,
    });
    expect(model.allows(pod('users'), pod('postgresql-users'), 5432)).toBe(true);
    expect(model.allows(pod('catalog'), pod('postgresql-users'), 5432)).toBe(false);
    expect(model.allows(pod('postgresql-users-provision'), pod('postgresql-users'), 5432)).toBe(
      true,
    );
  });

  it('each instance is budgeted on its own', () => {
    const message = renderError({ set: [...set, 'catalog.autoscaling.maxReplicas=20'] });
    expect(message).toContain('PostgreSQL postgresql-catalog takes 90 connections');
    expect(message).not.toContain('postgresql-users takes');
  });
});
