import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { render } from './support/helm';
import { byKind, kinemaPodImages } from './support/k8s-objects';
import { chartDir, repoRoot, serviceNames } from './support/repo';

// The k8s README is followed by hand, so what it tells a user to type must match the chart.
const readme = readFileSync(path.join(repoRoot, 'k8s/README.md'), 'utf8');
const values = parse(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')) as Record<
  string,
  { enabled?: boolean }
>;

describe("the k8s README's instructions", () => {
  it.each([
    ['kind', /^kind load docker-image (\S+) /m],
    ['minikube', /^minikube -p kinema image load (\S+)$/m],
  ])('on %s, build and load the image every pod of the release runs', (cluster, load) => {
    const section = readme
      .split(/^## /m)
      .find((part) => part.startsWith(`Step by step on ${cluster}`));
    const steps = (/```bash\n([\s\S]*?)```/.exec(section ?? '')?.[1] ?? '').replace(
      /\\\n\s*/g,
      ' ',
    );
    const tag = /^TAG=(\S+)$/m.exec(steps)?.[1] ?? 'no-tag';
    const expand = (text: string) => text.replaceAll('$TAG', tag);
    const built = expand(/^docker build .*-t (\S+) \./m.exec(steps)?.[1] ?? 'not built');
    const loaded = expand(load.exec(steps)?.[1] ?? 'not loaded');
    const install = /^helm upgrade --install kinema .*$/m.exec(steps)?.[0] ?? '';
    const set = [...install.matchAll(/--set (\S+)/g)].map((match) => expand(match[1] ?? ''));
    expect(loaded).toBe(built);
    const images = kinemaPodImages(render({ set }));
    // All four apps are enabled by default and run from it.
    for (const name of serviceNames.filter((service) => values[service]?.enabled !== false))
      expect(images.get(name)).toBe(loaded);
    expect(new Set(images.values())).toEqual(new Set([loaded]));
  });

  it('open Jaeger through the Service the chart renders, on its UI port', () => {
    const forwards = [...readme.matchAll(/kubectl -n kinema port-forward svc\/(\S+) (\d+)/g)];
    const services = byKind(
      render({
        set: ['observability.collector.enabled=true', 'observability.jaeger.enabled=true'],
      }),
      'Service',
    );
    const jaeger = forwards.filter(([, name]) => name?.includes('jaeger'));
    expect(jaeger.length).toBeGreaterThan(0);
    for (const [, name, port] of jaeger) {
      const service = services.find((s) => s.metadata.name === name);
      const ports = (service?.['spec'] as { ports?: Array<{ port: number }> } | undefined)?.ports;
      expect(ports?.map((p) => String(p.port))).toContain(port);
    }
  });

  it('name every key an existingSecret must hold, as the chart generates them', () => {
    const appSecret = byKind(render(), 'Secret').find((s) => s.metadata.name === 'kinema-app');
    const generated = Object.keys((appSecret?.['data'] as Record<string, string>) ?? {}).sort();
    const sentence = /The Secret needs the keys ([\s\S]*?)\n\n/.exec(readme)?.[1] ?? '';
    const documented = [...sentence.matchAll(/`([a-z-]+)`/g)].map((m) => m[1] ?? '').sort();
    expect(generated.length).toBeGreaterThan(0);
    expect(documented).toEqual(generated);
  });
});
