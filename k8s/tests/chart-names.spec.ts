import { rmSync } from 'node:fs';
import path from 'node:path';
import { allServicesOn, chartAtRevision, render, type RenderOptions } from './support/helm';
import { byKind, type K8sObject } from './support/k8s-objects';

// Helm refuses release names longer than 53 characters, so this is the longest a user can pick.
const longestRelease = 'streaming-platform-production-eu-west-1-blue-green-01';
const highRevision = 1_000_000;

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const labelName = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const clusterHost = /[a-z0-9-]+(\.[a-z0-9-]+)*\.svc\.cluster\.local/g;

interface Finding {
  where: string;
  text: string;
}

function labelMaps(value: unknown, where: string, out: Array<[string, Record<string, string>]>) {
  if (Array.isArray(value)) {
    value.forEach((item, index) => labelMaps(item, `${where}[${index}]`, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if ((key === 'labels' || key === 'matchLabels') && child && typeof child === 'object') {
        out.push([`${where}.${key}`, child as Record<string, string>]);
      } else {
        labelMaps(child, `${where}.${key}`, out);
      }
    }
  }
}

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((item) => strings(item, out));
  else if (value !== null && typeof value === 'object')
    Object.values(value).forEach((v) => strings(v, out));
  return out;
}

function badLabels(objects: readonly K8sObject[]): Finding[] {
  const found: Finding[] = [];
  for (const object of objects) {
    const maps: Array<[string, Record<string, string>]> = [];
    labelMaps(object, `${object.kind}/${object.metadata.name}`, maps);
    for (const [where, labels] of maps) {
      for (const [key, value] of Object.entries(labels)) {
        const name = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key;
        if (name.length > 63 || !labelName.test(name)) found.push({ where, text: key });
        if (String(value).length > 63 || !labelValue.test(String(value)))
          found.push({ where: `${where}.${key}`, text: String(value) });
      }
    }
  }
  return found;
}

const cases: Array<[string, RenderOptions]> = [
  ['a 53-character release name', { release: longestRelease, set: allServicesOn.set }],
  [
    'a 53-character release name and a 63-character nameOverride',
    {
      release: longestRelease,
      set: [...(allServicesOn.set ?? []), `nameOverride=${'n'.repeat(63)}`],
    },
  ],
];

describe.each(cases)('names and labels with %s at revision 1000000', (_label, options) => {
  const { chart, rewrites } = chartAtRevision(highRevision);
  const objects = render({ ...options, chart });
  afterAll(() => rmSync(path.dirname(chart), { recursive: true, force: true }));

  it('the rendered chart really used the high revision', () => {
    expect(rewrites).toBeGreaterThan(0);
    const jobs = byKind(objects, 'Job').map((job) => job.metadata.name);
    const atFirst = byKind(render(options), 'Job').map((job) => job.metadata.name);
    expect(jobs.length).toBeGreaterThanOrEqual(3);
    // The revision feeds each Job's name hash, so `helm upgrade` runs every Job once more.
    expect(jobs.filter((name) => atFirst.includes(name))).toEqual([]);
  });

  it('every object name is a DNS-1123 label of at most 63 characters', () => {
    const bad = objects
      .map((object) => `${object.kind}/${object.metadata.name}`)
      .filter((id) => {
        const name = id.slice(id.indexOf('/') + 1);
        return name.length > 63 || !dns1123Label.test(name);
      });
    expect(bad).toEqual([]);
  });

  it('Job names fit the job-name label their pods get, and stay distinct', () => {
    const jobs = byKind(objects, 'Job').map((job) => job.metadata.name);
    expect(jobs.filter((name) => name.length > 63)).toEqual([]);
    expect(new Set(jobs).size).toBe(jobs.length);
  });

  it('StatefulSet names leave room for the controller-revision-hash label (name-<10 chars>)', () => {
    const long = byKind(objects, 'StatefulSet')
      .map((set) => set.metadata.name)
      .filter((name) => name.length + 11 > 63);
    expect(long).toEqual([]);
  });

  it('every label and selector key and value is valid and at most 63 characters', () => {
    expect(badLabels(objects)).toEqual([]);
  });

  it('every in-cluster host name the pods are given has DNS labels of at most 63 characters', () => {
    const hosts = new Set(strings(objects).flatMap((text) => text.match(clusterHost) ?? []));
    expect(hosts.size).toBeGreaterThan(0);
    const bad = [...hosts].filter((host) =>
      host.split('.').some((part) => part.length > 63 || !dns1123Label.test(part)),
    );
    expect(bad).toEqual([]);
  });
});

describe('setup Job names', () => {
  const jobNames = (set: readonly string[]) =>
    new Map(
      byKind(render({ set: [...(allServicesOn.set ?? []), ...set] }), 'Job').map((job) => [
        job.metadata.labels?.['app.kubernetes.io/component'] ?? '',
        job.metadata.name,
      ]),
    );
  const base = jobNames([]);

  it('end in a hash of the spec, not in the revision `helm template` always renders as 1', () => {
    expect([...base.keys()].sort()).toEqual([
      'kafka-topics',
      'postgresql-provision',
      'seaweedfs-bucket',
    ]);
    for (const [component, name] of base)
      expect(name).toMatch(new RegExp(`^kinema-${component}-[0-9a-f]{10}$`));
  });

  // A Job's pod template is immutable: a GitOps sync that changed it under the same name fails.
  it.each([
    ['kafka-topics', 'kafka.image.tag=4.1.2'],
    ['postgresql-provision', 'postgresql.image.tag=18.7-alpine'],
    ['seaweedfs-bucket', 'minio.bucketJob.image.tag=RELEASE.2025-10-01T00-00-00Z'],
    ['kafka-topics', 'kafka.topics.partitions=12'],
  ])('%s gets a new name when %s changes its spec', (component, set) => {
    const changed = jobNames([set]);
    expect(changed.get(component)).toBeDefined();
    expect(changed.get(component)).not.toBe(base.get(component));
  });

  it('keep their names when their spec is unchanged, so a repeated sync changes nothing', () => {
    // A change elsewhere (the Kinema image) leaves the setup Jobs as they were.
    expect(jobNames(['default.image.tag=2.0.0'])).toEqual(base);
  });
});
