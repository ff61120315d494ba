import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { render, type RenderOptions } from './support/helm';
import { byKind, component, podTemplates, spec, type K8sObject } from './support/k8s-objects';
import { validateAgainstOpenApi } from './support/openapi';
import { chartDir, serviceNames } from './support/repo';

const dashboardsDir = path.join(chartDir, 'dashboards');
const files = readdirSync(dashboardsDir)
  .filter((file) => file.endsWith('.json'))
  .sort();
const podMonitorApi = 'monitoring.coreos.com/v1/PodMonitor';

interface Target {
  expr?: string;
  datasource?: { type?: string; uid?: string };
  exemplar?: boolean;
}
interface Panel {
  id?: number;
  type: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query?: unknown }> };
}

function panelsOf(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

describe('the dashboard files', () => {
  it('are the overview and one per service', () => {
    expect(files).toEqual(['overview.json', ...serviceNames.map((name) => `${name}.json`)].sort());
  });

  const dashboards = files.map((file): [string, Dashboard] => [
    file,
    JSON.parse(readFileSync(path.join(dashboardsDir, file), 'utf8')) as Dashboard,
  ]);

  it('have distinct uids, so Grafana keeps all of them', () => {
    const uids = dashboards.map(([, d]) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  describe.each(dashboards)('%s', (_file, dashboard) => {
    const panels = panelsOf(dashboard);
    const queried = panels.filter((panel) => panel.type !== 'row');

    it('gives every panel an id of its own', () => {
      const ids = panels.map((panel) => panel.id);
      expect(ids.every((id) => Number.isInteger(id))).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('gives every panel a query', () => {
      expect(queried.length).toBeGreaterThan(5);
      const empty = queried
        .filter(
          (panel) =>
            (panel.targets ?? []).length === 0 ||
            (panel.targets ?? []).some((target) => !target.expr?.trim()),
        )
        .map((panel) => panel.title);
      expect(empty).toEqual([]);
    });

    it('reads every query from the $datasource variable, so it works on any Grafana', () => {
      const fixed = queried.flatMap((panel) =>
        [panel.datasource, ...(panel.targets ?? []).map((t) => t.datasource)]
          .filter((ds) => ds?.uid !== '${datasource}')
          .map(() => panel.title),
      );
      expect(fixed).toEqual([]);
      const variables = dashboard.templating.list.map((v) => [v.name, v.type]);
      expect(variables).toEqual(
        expect.arrayContaining([
          ['datasource', 'datasource'],
          ['namespace', 'query'],
          ['pod', 'query'],
        ]),
      );
      expect(variables.map(([name]) => name)).toContain('service');
    });

    it('filters every query by the service and pod variables', () => {
      const unfiltered = queried.flatMap((panel) =>
        (panel.targets ?? [])
          .filter(
            (t) => !/service=~?"[^"]+"/.test(t.expr ?? '') || !/pod=~"\$pod"/.test(t.expr ?? ''),
          )
          .map(() => panel.title),
      );
      expect(unfiltered).toEqual([]);
    });

    it('shows exemplars (trace ids) on every latency percentile', () => {
      const latency = queried.filter((panel) =>
        (panel.targets ?? []).some((t) => /histogram_quantile/.test(t.expr ?? '')),
      );
      expect(latency.length).toBeGreaterThan(0);
      expect(
        latency.filter((panel) => !(panel.targets ?? []).every((t) => t.exemplar === true)),
      ).toEqual([]);
    });
  });
});

function dashboardMaps(objects: readonly K8sObject[]): K8sObject[] {
  return byKind(objects, 'ConfigMap').filter((map) => map.metadata.name.includes('-dashboard-'));
}

describe('the dashboard ConfigMaps', () => {
  it('are not rendered unless asked for', () => {
    expect(dashboardMaps(render())).toEqual([]);
  });

  const objects = render({ set: ['observability.dashboards.enabled=true'] });
  const maps = dashboardMaps(objects);

  it('carry each file unchanged, one ConfigMap each, labelled for the Grafana sidecar', () => {
    expect(maps.map((map) => map.metadata.name).sort()).toEqual(
      files.map((file) => `kinema-dashboard-${file.replace('.json', '')}`).sort(),
    );
    for (const file of files) {
      const map = maps.find(
        (m) => m.metadata.name === `kinema-dashboard-${file.replace('.json', '')}`,
      );
      expect(map?.metadata.labels?.['grafana_dashboard']).toBe('1');
      expect(map?.metadata.annotations?.['grafana_folder']).toBe('Kinema');
      expect(map?.metadata.namespace).toBeUndefined();
      const data = (map?.['data'] ?? {}) as Record<string, string>;
      expect(Object.keys(data)).toEqual([`kinema-${file}`]);
      expect(data[`kinema-${file}`]).toBe(readFileSync(path.join(dashboardsDir, file), 'utf8'));
    }
  });

  it('stay under the 256 KiB annotation limit of client-side kubectl apply', () => {
    for (const map of maps) expect(JSON.stringify(map).length).toBeLessThan(256 * 1024);
  });

  it("follow the sidecar's label, folder annotation and namespace from values", () => {
    const custom = dashboardMaps(
      render({
        set: [
          'observability.dashboards.enabled=true',
          'observability.dashboards.label=kinema.example/dashboard',
          'observability.dashboards.labelValue=yes',
          'observability.dashboards.folderAnnotation=k8s-sidecar-target-directory',
          'observability.dashboards.folder=/tmp/dashboards/Kinema',
          'observability.dashboards.namespace=monitoring',
        ],
      }),
    );
    expect(custom.length).toBe(files.length);
    for (const map of custom) {
      expect(map.metadata.labels?.['kinema.example/dashboard']).toBe('yes');
      expect(map.metadata.labels?.['grafana_dashboard']).toBeUndefined();
      expect(map.metadata.annotations).toEqual({
        'k8s-sidecar-target-directory': '/tmp/dashboards/Kinema',
      });
      expect(map.metadata.namespace).toBe('monitoring');
    }
    const noFolder = dashboardMaps(
      render({
        set: ['observability.dashboards.enabled=true', 'observability.dashboards.folder='],
      }),
    );
    expect(noFolder.every((map) => map.metadata.annotations === undefined)).toBe(true);
  });
});

interface PodMonitorSpec {
  selector: {
    matchLabels?: Record<string, string>;
    matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
  };
  podMetricsEndpoints: Array<{ port?: string; path?: string; interval?: string }>;
}

function podMonitors(options: RenderOptions): K8sObject[] {
  return byKind(render(options), 'PodMonitor');
}

/** The selector semantics the Prometheus Operator applies: matchLabels and In expressions. */
function monitorSelects(selector: PodMonitorSpec['selector'], labels: Record<string, string>) {
  return (
    Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value) &&
    (selector.matchExpressions ?? []).every((expression) => {
      if (expression.operator !== 'In') throw new Error(`unexpected ${expression.operator}`);
      return (expression.values ?? []).includes(labels[expression.key] ?? '');
    })
  );
}

describe('the PodMonitor', () => {
  it.each([
    ['auto, without the Prometheus Operator', { set: [] }, 0],
    ['auto, with the Prometheus Operator', { apiVersions: [podMonitorApi] }, 1],
    [
      'false, with the Prometheus Operator',
      { set: ['observability.podMonitor.enabled=false'], apiVersions: [podMonitorApi] },
      0,
    ],
    [
      'true, without the Prometheus Operator',
      { set: ['observability.podMonitor.enabled=true'] },
      1,
    ],
  ] as Array<[string, RenderOptions, number]>)('%s: %i rendered', (_label, options, count) => {
    expect(podMonitors(options)).toHaveLength(count);
  });

  const objects = render({ valuesFile: 'observability-values.yaml' });
  const [monitor] = byKind(objects, 'PodMonitor');

  it('scrapes /metrics on the ops port of every Kinema pod, where their annotations point, and nothing else', () => {
    if (!monitor) throw new Error('no PodMonitor rendered');
    const s = spec<PodMonitorSpec>(monitor);
    const selected = podTemplates(objects).filter(({ labels }) =>
      monitorSelects(s.selector, labels),
    );
    expect(selected.map(({ labels }) => component(labels)).sort()).toEqual(
      [...serviceNames].sort(),
    );
    expect(s.podMetricsEndpoints).toHaveLength(1);
    const [endpoint] = s.podMetricsEndpoints;
    for (const { object, spec: podSpec } of selected) {
      const annotations = (
        object['spec'] as { template: { metadata: { annotations: Record<string, string> } } }
      ).template.metadata.annotations;
      const port = (podSpec as IPodSpec).containers[0]?.ports?.find(
        (p) => p.name === endpoint?.port,
      );
      expect(String(port?.containerPort)).toBe(annotations['prometheus.io/port']);
      expect(endpoint?.path).toBe(annotations['prometheus.io/path']);
    }
  });

  it('carries the labels Prometheus selects monitors by, and is valid against its CRD schema', () => {
    if (!monitor) throw new Error('no PodMonitor rendered');
    expect(monitor.metadata.labels?.['release']).toBe('kube-prometheus-stack');
    expect(validateAgainstOpenApi(monitor)).toEqual({ errors: [], unknownFields: [] });
    const broken = structuredClone(monitor) as K8sObject & {
      spec: { podMetricsEndpoints: Array<Record<string, unknown>> };
    };
    const [first] = broken.spec.podMetricsEndpoints;
    if (!first) throw new Error('no endpoint');
    first['paht'] = '/metrics';
    expect(validateAgainstOpenApi(broken).unknownFields).toEqual([
      '.spec.podMetricsEndpoints[0].paht',
    ]);
  });
});
