import { render, renderError } from './support/helm';
import { podTemplates } from './support/k8s-objects';

const catalogPod = (set: string[]) =>
  podTemplates(render({ set })).find(
    ({ object, labels }) =>
      object.kind === 'Deployment' && labels['app.kubernetes.io/component'] === 'catalog',
  )?.spec;

describe('per-service escape hatches (extraEnv, extraVolumes, extraVolumeMounts, initContainers)', () => {
  it('adds env, volumes, mounts and init containers to that service only', () => {
    const pod = catalogPod([
      'catalog.extraEnv[0].name=NODE_OPTIONS',
      'catalog.extraEnv[0].value=--max-old-space-size=256',
      'catalog.extraVolumes[0].name=certs',
      'catalog.extraVolumes[0].emptyDir.medium=Memory',
      'catalog.extraVolumeMounts[0].name=certs',
      'catalog.extraVolumeMounts[0].mountPath=/certs',
      'catalog.initContainers[0].name=wait',
      'catalog.initContainers[0].image=busybox:1.37',
    ]);
    const container = pod?.containers[0];
    expect(container?.env).toContainEqual({
      name: 'NODE_OPTIONS',
      value: '--max-old-space-size=256',
    });
    expect(container?.volumeMounts).toContainEqual({ name: 'certs', mountPath: '/certs' });
    expect(pod?.volumes).toContainEqual({ name: 'certs', emptyDir: { medium: 'Memory' } });
    expect(pod?.initContainers?.map((c) => c.name)).toEqual(['wait']);
    const gateway = podTemplates(
      render({ set: ['catalog.extraEnv[0].name=NODE_OPTIONS', 'catalog.extraEnv[0].value=x'] }),
    ).find(({ labels }) => labels['app.kubernetes.io/component'] === 'gateway');
    expect(gateway?.spec.containers[0]?.env?.map((e) => e.name)).not.toContain('NODE_OPTIONS');
  });

  it('refuses to override a variable the chart wires (it would silently break the wiring)', () => {
    expect(
      renderError({
        set: ['catalog.extraEnv[0].name=DATABASE_URL', 'catalog.extraEnv[0].value=x'],
      }),
    ).toMatch(/catalog\.extraEnv: DATABASE_URL is set by the chart/);
  });

  it('refuses entries without a name, through the values schema', () => {
    expect(renderError({ set: ['catalog.extraEnv[0].value=x'] })).toMatch(/name/);
  });
});
