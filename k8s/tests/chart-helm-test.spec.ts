import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { render } from './support/helm';
import { plainEnv, podTemplates, serviceDeployment } from './support/k8s-objects';
import { repoRoot } from './support/repo';

const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const script = read('k8s/smoke/smoke.mjs');
const dockerfile = read('docker/Dockerfile');
const dockerignore = read('.dockerignore');

function smokeContainer(set: string[] = []): IContainer | undefined {
  return podTemplates(render({ set }))
    .filter(({ object }) => object.kind === 'Pod' && object.metadata.name === 'kinema-test-smoke')
    .map(({ spec }) => spec.containers[0])[0];
}

function envRef(container: IContainer | undefined, name: string) {
  return container?.env?.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
}

describe('helm test: the smoke flow', () => {
  const smoke = smokeContainer();
  const users = serviceDeployment(render(), 'users')?.spec.containers[0];

  it('runs by default, with the script file the images ship', () => {
    expect(smoke?.command).toEqual(['node', '/app/smoke/smoke.mjs']);
    // The runtime stage copies the script and its clip to /app/smoke/, and the build context keeps them.
    expect(dockerfile).toMatch(
      /^COPY k8s\/smoke\/smoke\.mjs tools\/media\/samples\/bars-faststart\.mp4 \/app\/smoke\/$/m,
    );
    expect(dockerignore).toMatch(/^!k8s\/smoke\/smoke\.mjs$/m);
    expect(dockerignore).toMatch(/^!tools\/media\/samples\/bars-faststart\.mp4$/m);
    expect(plainEnv(smoke ?? { name: 'none' }).get('KINEMA_SAMPLE_VIDEO')).toBe(
      '/app/smoke/bars-faststart.mp4',
    );
  });

  it('sets every variable the script requires', () => {
    const required = [...script.matchAll(/env\('([A-Z_]+)'\)/g)].map((m) => m[1]);
    const set = new Set((smoke?.env ?? []).map((e) => e.name));
    expect(required.length).toBeGreaterThanOrEqual(4);
    expect(required.filter((name) => !set.has(name ?? ''))).toEqual([]);
  });

  it('signs in as the administrator the users service creates', () => {
    expect(plainEnv(smoke ?? { name: 'none' }).get('KINEMA_ADMIN_EMAIL')).toBe(
      plainEnv(users ?? { name: 'none' }).get('BOOTSTRAP_ADMIN_EMAIL'),
    );
    expect(envRef(smoke, 'KINEMA_ADMIN_PASSWORD')).toEqual(
      envRef(users, 'BOOTSTRAP_ADMIN_PASSWORD'),
    );
    expect(envRef(smoke, 'KINEMA_ADMIN_PASSWORD')).toEqual({
      name: 'kinema-app',
      key: 'bootstrap-admin-password',
    });
  });

  it('addresses the gateway Service', () => {
    expect(plainEnv(smoke ?? { name: 'none' }).get('KINEMA_URL')).toBe(
      'http://kinema-gateway.kinema.svc.cluster.local:80',
    );
  });

  it('is skipped, and no administrator is created, when users.bootstrapAdmin.email is empty', () => {
    expect(smokeContainer(['users.bootstrapAdmin.email='])).toBeUndefined();
    const withoutAdmin = serviceDeployment(
      render({ set: ['users.bootstrapAdmin.email='] }),
      'users',
    );
    const names = (withoutAdmin?.spec.containers[0]?.env ?? []).map((e) => e.name);
    expect(names.filter((n) => n.startsWith('BOOTSTRAP_ADMIN'))).toEqual([]);
  });
});
