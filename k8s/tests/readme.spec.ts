import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { render } from './support/helm';
import { byKind } from './support/k8s-objects';
import { chartDir, repoRoot, serviceNames } from './support/repo';

// The k8s README is followed by hand, so what it tells a user to type must match the chart.
const readme = readFileSync(path.join(repoRoot, 'k8s/README.md'), 'utf8');
const values = parse(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')) as Record<
  string,
  { enabled?: boolean }
>;

describe("the k8s README's instructions", () => {
  it('build and load the image of every app the chart enables by default', () => {
    const enabled = serviceNames.filter((name) => values[name]?.enabled !== false);
    const loops = [...readme.matchAll(/^for app in ([a-z ]+); do$/gm)].map((m) =>
      (m[1] ?? '').split(' '),
    );
    expect(loops.length).toBeGreaterThanOrEqual(2); // kind and minikube
    for (const apps of loops) expect(apps.sort()).toEqual([...enabled].sort());
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
