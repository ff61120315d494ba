import { readFileSync } from 'node:fs';
import path from 'node:path';
import { v8Flags } from '../../libs/dev-infra/src/launcher/plan';
import { render } from './support/helm';
import { podTemplates } from './support/k8s-objects';
import { existingApps, repoRoot } from './support/repo';

const commands = (set: string[] = []) =>
  new Map(
    podTemplates(render({ set }))
      .filter(({ object }) => object.kind === 'Deployment')
      .map(({ labels, spec }) => [
        labels['app.kubernetes.io/component'],
        spec.containers[0]?.command ?? [],
      ]),
  );

describe('how node runs each service: as npm start runs it', () => {
  const flags = v8Flags({});

  it.each(existingApps())("sizes %s's heap as the launcher does", (app) => {
    expect(commands().get(app)).toEqual(['node', ...flags, `apps/${app}/dist/main.js`]);
  });

  it("leaves V8's own sizing with maxSemiSpaceMb 0 and heapGrowingPercent 0", () => {
    expect(
      commands(['default.maxSemiSpaceMb=0', 'default.heapGrowingPercent=0']).get('catalog'),
    ).toEqual(['node', 'apps/catalog/dist/main.js']);
  });

  it("gives the image's default command the same flags", () => {
    const dockerfile = readFileSync(path.join(repoRoot, 'docker/Dockerfile'), 'utf8');
    const command = ['node', ...flags, 'apps/gateway/dist/main.js'].map((arg) => `"${arg}"`);
    expect(dockerfile).toContain(`CMD [${command.join(', ')}]`);
  });
});
