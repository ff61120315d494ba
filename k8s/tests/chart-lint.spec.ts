import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { chartDir, ciValuesDir } from './support/repo';
import { ciValuesFiles, render, runHelm } from './support/helm';
import path from 'node:path';

describe('helm lint --strict', () => {
  it('finds every CI value file: defaults, external services, autoscaling off and on, policies off, telemetry bundled and external', () => {
    expect(ciValuesFiles()).toEqual(
      expect.arrayContaining([
        'default-values.yaml',
        'external-values.yaml',
        'autoscaling-off-values.yaml',
        'autoscaling-on-values.yaml',
        'policies-off-values.yaml',
        'observability-values.yaml',
        'observability-external-values.yaml',
      ]),
    );
  });

  it.each(ciValuesFiles())('passes with ci/%s', (file) => {
    const result = runHelm([
      'lint',
      '--strict',
      chartDir,
      '--values',
      path.join(ciValuesDir, file),
    ]);
    expect(result.stderr + result.stdout).toContain('0 chart(s) failed');
    expect(result.status).toBe(0);
  });
});

describe('helm test hooks', () => {
  it('helm test checks the gateway readiness and a catalog query through it', () => {
    const hooks = render().filter((o) => o.metadata.annotations?.['helm.sh/hook'] === 'test');
    const urls = hooks.flatMap((hook) => {
      const containers = (hook['spec'] as IPodSpec).containers;
      return containers.flatMap((c) =>
        (c.env ?? []).filter((e) => e.name === 'TARGET_URL').map((e) => e.value),
      );
    });
    expect(urls).toEqual([
      'http://kinema-gateway.kinema.svc.cluster.local:80/readyz',
      'http://kinema-gateway.kinema.svc.cluster.local:80/api/v1/titles?limit=1',
    ]);
  });
});
