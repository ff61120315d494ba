import {
  allServicesExternal,
  allServicesOn,
  ciValuesFiles,
  managedInfrastructure,
  render,
  type RenderOptions,
} from './support/helm';
import type { K8sObject } from './support/k8s-objects';
import { validateAgainstOpenApi, validateHttpRoute } from './support/openapi';

function validate(object: K8sObject) {
  return object.kind === 'HTTPRoute' ? validateHttpRoute(object) : validateAgainstOpenApi(object);
}

const renders: Array<[string, RenderOptions]> = [
  ...ciValuesFiles().map((file): [string, RenderOptions] => [`ci/${file}`, { valuesFile: file }]),
  ['every service on', allServicesOn],
  ['every service on, all backing services external', allServicesExternal],
  ['managed Kafka (TLS, SASL), PostgreSQL over TLS, keyless S3', managedInfrastructure],
];

describe('rendered objects against the Kubernetes OpenAPI schemas', () => {
  describe.each(renders)('%s', (_label, options) => {
    const objects = render(options);

    it('renders objects', () => {
      expect(objects.length).toBeGreaterThan(10);
    });

    it('every object is valid and has no field the schema does not define', () => {
      const problems = objects.flatMap((object) => {
        const report = validate(object);
        const where = `${object.kind}/${object.metadata.name}`;
        return [
          ...report.errors.map((error) => `${where}: ${error}`),
          ...report.unknownFields.map((field) => `${where}: unknown field ${field}`),
        ];
      });
      expect(problems).toEqual([]);
    });
  });
});

describe('the schema check itself', () => {
  const deployment = render({ valuesFile: 'default-values.yaml' }).find(
    (o) => o.kind === 'Deployment',
  );

  it('reports a misspelt field at any depth', () => {
    if (!deployment) throw new Error('no Deployment rendered');
    const broken = structuredClone(deployment) as K8sObject & {
      spec: {
        replicaz?: number;
        template: { spec: { containers: Array<Record<string, unknown>> } };
      };
    };
    broken.spec.replicaz = 2;
    const container = broken.spec.template.spec.containers[0];
    if (!container) throw new Error('no container');
    container['imagePullPolicyy'] = 'Always';
    expect(validateAgainstOpenApi(broken).unknownFields).toEqual([
      '.spec.replicaz',
      '.spec.template.spec.containers[0].imagePullPolicyy',
    ]);
  });

  it('reports a wrongly typed field', () => {
    if (!deployment) throw new Error('no Deployment rendered');
    const broken = structuredClone(deployment) as K8sObject & {
      spec: { revisionHistoryLimit: unknown };
    };
    broken.spec.revisionHistoryLimit = 'three';
    expect(validateAgainstOpenApi(broken).errors.join('\n')).toMatch(/revisionHistoryLimit/);
  });

  it('accepts free-form maps such as labels', () => {
    if (!deployment) throw new Error('no Deployment rendered');
    const labelled = structuredClone(deployment);
    labelled.metadata.labels = { ...labelled.metadata.labels, 'example.com/anything': 'yes' };
    expect(validateAgainstOpenApi(labelled)).toEqual({ errors: [], unknownFields: [] });
  });
});
