import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_MAX_SEMI_SPACE_MB } from '../../libs/dev-infra/src/launcher/plan';
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
  const flag = `--max-semi-space-size=${DEFAULT_MAX_SEMI_SPACE_MB}`;

  it.each(existingApps())("caps %s's young generation as the launcher does", (app) => {
    expect(commands().get(app)).toEqual(['node', flag, `apps/${app}/dist/main.js`]);
  });

  it("leaves V8's own sizing with maxSemiSpaceMb 0", () => {
    expect(commands(['default.maxSemiSpaceMb=0']).get('catalog')).toEqual([
      'node',
      'apps/catalog/dist/main.js',
    ]);
  });

  it("gives the image's default command the same cap", () => {
    const dockerfile = readFileSync(path.join(repoRoot, 'docker/Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`CMD ["node", "${flag}", "apps/gateway/dist/main.js"]`);
  });
});
