import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { render } from './support/helm';
import { kinemaPodImages } from './support/k8s-objects';
import { chartDir, existingApps, existingImageApps } from './support/repo';

const appVersion = (
  parse(readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8')) as {
    appVersion: string;
  }
).appVersion;

describe("the services' image", () => {
  it('is one shared image for all four apps, the load generator and the tests', () => {
    const rendered = kinemaPodImages(render({ set: ['loadgen.enabled=true'] }));
    for (const app of existingImageApps()) expect(rendered.get(app)).toBe(`kinema:${appVersion}`);
    expect(new Set(rendered.values())).toEqual(new Set([`kinema:${appVersion}`]));
  });

  it("follows default.image's registry, repository and tag", () => {
    const rendered = kinemaPodImages(
      render({
        set: [
          'default.image.registry=ghcr.io/acme/',
          'default.image.repository=kinema-all',
          'default.image.tag=1.2.3',
        ],
      }),
    );
    expect(new Set(rendered.values())).toEqual(new Set(['ghcr.io/acme/kinema-all:1.2.3']));
  });

  it('can still be overridden for one service, leaving the others on the shared image', () => {
    const rendered = kinemaPodImages(
      render({ set: ['catalog.image.repository=kinema-catalog', 'catalog.image.tag=9.9.9'] }),
    );
    expect(rendered.get('catalog')).toBe('kinema-catalog:9.9.9');
    for (const app of existingApps().filter((name) => name !== 'catalog'))
      expect(rendered.get(app)).toBe(`kinema:${appVersion}`);
  });
});
