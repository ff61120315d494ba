import { isDevelopmentOnly } from '@kinema/platform/config';
import type { z } from 'zod';
import { loadConfigSchema } from './support/app-config';
import { allServicesExternal, allServicesOn, ciValuesFiles, render } from './support/helm';
import { allContainers, envOf, podTemplates } from './support/k8s-objects';
import { appsWithConfig } from './support/repo';

// Development-only variables (FAULT_INJECTION: `kinema chaos` simulating faults in a process)
// exist for `npm start`; the apps refuse them switched on in production, and the chart, which
// runs them in production, must never set them at all.
describe('development-only variables in the chart', () => {
  let developmentOnly: Set<string>;

  beforeAll(async () => {
    developmentOnly = new Set<string>();
    for (const app of appsWithConfig()) {
      const schema = await loadConfigSchema(app);
      for (const [name, field] of Object.entries(schema.shape)) {
        if (isDevelopmentOnly(field as unknown as z.ZodType)) developmentOnly.add(name);
      }
    }
  });

  it('knows FAULT_INJECTION as one, so the check below cannot pass by finding none', () => {
    expect([...developmentOnly]).toEqual(['FAULT_INJECTION']);
  });

  describe.each([
    ...ciValuesFiles().map((file) => [`ci/${file}`, { valuesFile: file }] as const),
    ['every service on', allServicesOn] as const,
    ['every service on, all backing services external', allServicesExternal] as const,
  ])('%s', (_label, options) => {
    const objects = render(options);

    it('sets none in any container of any pod', () => {
      const set = podTemplates(objects).flatMap(({ object, spec }) =>
        allContainers(spec).flatMap((container) =>
          envOf(container)
            .filter((variable) => developmentOnly.has(variable.name))
            .map((variable) => `${object.metadata.name}/${container.name}: ${variable.name}`),
        ),
      );
      expect(podTemplates(objects).length).toBeGreaterThan(0);
      expect(set).toEqual([]);
    });
  });
});
