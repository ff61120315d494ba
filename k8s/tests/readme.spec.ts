import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { render } from './support/helm';
import { byKind, kinemaPodImages } from './support/k8s-objects';
import { runWithStubs } from './support/cluster-stubs';
import { chartDir, repoRoot, serviceNames } from './support/repo';

// The k8s README is followed by hand, so what it tells a user to type must match the chart.
const readme = readFileSync(path.join(repoRoot, 'k8s/README.md'), 'utf8');
const values = parse(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')) as Record<
  string,
  { enabled?: boolean }
>;

/** The first bash block of the README section whose heading starts with `heading`. */
function bashBlock(heading: string): string {
  const section = readme.split(/^#{2,3} /m).find((part) => part.startsWith(heading));
  const block = /```bash\n([\s\S]*?)```/.exec(section ?? '')?.[1];
  if (!block) throw new Error(`no bash block under "${heading}"`);
  return block;
}

// Calls that only look (or wait, or probe the answer): the walkthrough leaves them to `--wait`.
const looksOnly =
  /^(kind get |minikube (status|ip) |kubectl config |docker buildx version|kubectl -n \S+ (get|wait|port-forward) |curl )/;

/** A recorded call with the repository's absolute path as the walkthrough writes it. */
function relative(call: string): string {
  return call.replaceAll(`${repoRoot}/`, '').replace(new RegExp(`(^| )${repoRoot}( |$)`), '$1.$2');
}

describe("the k8s README's instructions", () => {
  it.each([
    ['kind', 'up-kind.sh'],
    ['minikube', 'up-minikube.sh'],
  ])('on %s, step by step, run exactly what k8s/scripts/%s runs, in its order', (cluster, file) => {
    const steps = bashBlock(`Step by step on ${cluster}`);
    const tag = /^TAG=(\S+)$/m.exec(steps)?.[1] ?? 'no-tag';
    // The script with plain `docker build` (no buildx), as the walkthrough builds.
    const script = runWithStubs(file, [], { KINEMA_TAG: tag, STUB_BUILDX_STATUS: '1' });
    const walkthrough = runWithStubs({ inline: steps }, []);
    expect(script.status).toBe(0);
    expect(walkthrough.status).toBe(0);
    const ran = (calls: string[]) => calls.filter((call) => !looksOnly.test(call)).map(relative);
    expect(ran(walkthrough.calls)).toEqual(ran(script.calls));
    expect(ran(walkthrough.calls).length).toBeGreaterThanOrEqual(8);
  });

  it('the helm template example creates every Secret it names, with the keys the chart reads', () => {
    const steps = bashBlock('Credentials under `helm template`');
    const named = [...steps.matchAll(/--set ([a-z]+\.existingSecret)=(\S+)/g)].map((m) => ({
      value: m[1] ?? '',
      secret: m[2] ?? '',
    }));
    const created = new Map<string, string[]>();
    for (const command of steps.replace(/\\\n\s*/g, ' ').split('\n')) {
      const name = /create secret generic (\S+)/.exec(command)?.[1];
      if (!name) continue;
      const keys = [...command.matchAll(/--from-(?:literal|file)=([a-z0-9-]+)=/g)].map(
        (m) => m[1] ?? '',
      );
      created.set(name, keys.sort());
    }
    const table = new Map(
      [...readme.matchAll(/^\| `([a-z]+\.existingSecret)` +\| (.+?) +\|$/gm)].map((row) => [
        row[1] ?? '',
        [...(row[2] ?? '').matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1] ?? '').sort(),
      ]),
    );
    expect(named.map((n) => n.value).sort()).toEqual([...table.keys()].sort());
    for (const { value, secret } of named) expect(created.get(secret)).toEqual(table.get(value));
  });

  it.each([
    ['kind', /^kind load docker-image (\S+) /m],
    ['minikube', /^minikube image load (\S+) --profile kinema$/m],
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
    const built = expand(/^docker build .*(?:-t|--tag) (\S+) \./m.exec(steps)?.[1] ?? 'not built');
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
