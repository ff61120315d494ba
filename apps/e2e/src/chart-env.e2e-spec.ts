// The chart's env boots the system. `helm template` renders the chart with its defaults (bundled
// PostgreSQL, Kafka and MinIO on, as a user installs it). Every Deployment's container then runs
// as a local process with exactly the env the kubelet would give it: Secret and ConfigMap
// references resolved from the rendered objects, `$(VAR)` expanded, nothing inherited from this
// test. Only three things are rewritten:
// - in-cluster addresses (`<service>[.<namespace>[.svc[.cluster.local]]]:<port>`, found through the
//   rendered Services) become the loopback address of the local process behind that Service;
// - the ports a container listens on (env values equal to its containerPorts) become 0, and the
//   ports the processes report over IPC are what the rewritten addresses name;
// - the image's /app (the container's workingDir and the `helm test` pod's paths) is the
//   repository root, which docker/Dockerfile copies into /app in the same layout.
// Stand-ins: the embedded Kafka broker and S3 server (with the bucket the rendered bucket Job
// creates), and one PGlite server per database the rendered DATABASE_URLs name, answering to the
// URL's role and database name (the chart's catalog, users, videos) as that server would, so no
// name is rewritten and nothing is created on the shared PostgreSQL that other runs use.
// Then the rendered `helm test` smoke Pod runs the smoke flow, and the gateway serves the web app.
// A variable the chart forgets leaves an app on its loopback default or its dev fallback, and a
// step of the smoke flow (or the start itself) fails.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HOST,
  initialisePgliteDataDirs,
  kafkaSpec,
  pgliteSpec,
  REPO_ROOT,
  s3Spec,
  Supervisor,
  type ProcessSpec,
  type Readiness,
} from '@kinema/dev-infra';
import type { ListenerName } from '@kinema/contracts';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IProbe } from 'kubernetes-models/v1/Probe';
import type { IServiceSpec } from 'kubernetes-models/v1/ServiceSpec';
import { containerEnv } from '../../../k8s/tests/support/container-env';
import { releaseNamespace, render } from '../../../k8s/tests/support/helm';
import {
  byKind,
  component,
  podTemplates,
  spec,
  type K8sObject,
} from '../../../k8s/tests/support/k8s-objects';

const IMAGE_ROOT = '/app';
/** Files docker/Dockerfile copies somewhere other than their repository path. */
const IMAGE_EXTRAS: Record<string, string> = {
  '/app/smoke/smoke.mjs': 'k8s/smoke/smoke.mjs',
  '/app/smoke/bars-faststart.mp4': 'tools/media/samples/bars-faststart.mp4',
};

/** Where a path inside the image is in this repository. */
function inRepo(imagePath: string): string {
  const extra = IMAGE_EXTRAS[imagePath];
  if (extra) return join(REPO_ROOT, extra);
  if (imagePath !== IMAGE_ROOT && !imagePath.startsWith(`${IMAGE_ROOT}/`))
    throw new Error(`${imagePath} is not under the image's ${IMAGE_ROOT}`);
  return join(REPO_ROOT, imagePath.slice(IMAGE_ROOT.length));
}

/** The local process standing in for each bundled backing component, and its listener. */
const STAND_INS: Record<string, ListenerName> = {
  postgresql: 'postgres',
  kafka: 'kafka',
  minio: 's3',
  seaweedfs: 's3',
};

interface ClusterEndpoint {
  component: string;
  /** The Service port's targetPort: a container port name for the apps. */
  targetPort: string;
}

/** Every in-cluster `host:port` a rendered Service answers on, with what is behind it. */
function clusterAddresses(objects: readonly K8sObject[]): Map<string, ClusterEndpoint> {
  const addresses = new Map<string, ClusterEndpoint>();
  for (const service of byKind(objects, 'Service')) {
    const serviceSpec = spec<IServiceSpec>(service);
    const behind = component(serviceSpec.selector);
    if (!behind) continue;
    const name = service.metadata.name;
    const namespace = service.metadata.namespace ?? releaseNamespace;
    const hosts = [name, `${name}.${namespace}`, `${name}.${namespace}.svc`];
    hosts.push(`${hosts[2]}.cluster.local`);
    for (const port of serviceSpec.ports ?? []) {
      for (const host of hosts)
        addresses.set(`${host}:${port.port}`, {
          component: behind,
          targetPort: String(port.targetPort ?? port.port),
        });
    }
  }
  return addresses;
}

// host:port at the start of a value or after `//`, `///`, `@` or `,` (URLs, gRPC targets, lists).
const ADDRESS = /(^|[/@,])([a-z0-9][a-z0-9.-]*:\d+)/g;

/** PostgreSQL database a URL names right after an address (`.../catalog?...`). */
function databaseAfter(rest: string): string {
  const name = /^\/([^/?#]+)/.exec(rest)?.[1];
  if (!name) throw new Error(`no database name after a PostgreSQL address: ${rest}`);
  return name;
}

/** The name of the local process behind an in-cluster address. */
function localProcess(endpoint: ClusterEndpoint, rest: string): string {
  if (endpoint.component === 'postgresql') return `postgresql-${databaseAfter(rest)}`;
  return STAND_INS[endpoint.component] ?? endpoint.component;
}

function localListener(endpoint: ClusterEndpoint): ListenerName {
  return STAND_INS[endpoint.component] ?? (endpoint.targetPort as ListenerName);
}

/** Every in-cluster address a value names, with the text after it. */
function addressesIn(
  value: string,
  cluster: Map<string, ClusterEndpoint>,
): { address: string; endpoint: ClusterEndpoint; rest: string }[] {
  return [...value.matchAll(ADDRESS)].flatMap((match) => {
    const address = match[2] ?? '';
    const endpoint = cluster.get(address);
    const end = (match.index ?? 0) + match[0].length;
    return endpoint ? [{ address, endpoint, rest: value.slice(end) }] : [];
  });
}

interface RenderedApp {
  name: string;
  container: IContainer;
  env: Record<string, string>;
}

/** Readiness as the rendered probe asks: its HTTP path, or the ops /readyz behind a gRPC probe. */
function readiness(probe: IProbe | undefined): Readiness {
  const http = probe?.httpGet;
  if (http)
    return { kind: 'http', listener: String(http.port) as ListenerName, path: http.path ?? '/' };
  return { kind: 'http', listener: 'ops', path: '/readyz' };
}

const objects = render();
const cluster = clusterAddresses(objects);
const dataDir = mkdtempSync(join(tmpdir(), 'kinema-chart-env-'));
const logs: string[] = [];
const supervisor = new Supervisor((name, line) => logs.push(`${name} | ${line}`));

/** The env with in-cluster addresses pointing at the running local processes. */
function rewriteAddresses(value: string): string {
  return value.replace(ADDRESS, (match, lead: string, address: string, offset: number) => {
    const endpoint = cluster.get(address);
    if (!endpoint) return match;
    const rest = value.slice(offset + match.length);
    const local = supervisor.address(localProcess(endpoint, rest), localListener(endpoint));
    return `${lead}${local}`;
  });
}

function appSpec(app: RenderedApp): ProcessSpec {
  const [program, ...commandArgs] = app.container.command ?? [];
  if (program !== 'node') throw new Error(`${app.name}: the command runs ${program}, not node`);
  const listenPorts = new Set(
    (app.container.ports ?? []).map((port) => String(port.containerPort)),
  );
  return {
    name: app.name,
    service: app.name,
    command: process.execPath,
    ports: {},
    isolatedEnv: true,
    launch: () => ({
      args: [...commandArgs, ...(app.container.args ?? [])],
      cwd: inRepo(app.container.workingDir ?? IMAGE_ROOT),
      env: Object.fromEntries(
        Object.entries(app.env).map(([name, value]) => [
          name,
          name.endsWith('_PORT') && listenPorts.has(value) ? '0' : rewriteAddresses(value),
        ]),
      ),
    }),
    ready: readiness(app.container.readinessProbe),
    readyTimeoutMs: 60_000,
    summary: () => app.name,
  };
}

/** The components whose Services an app's env names. */
function dependencies(app: RenderedApp): Set<string> {
  return new Set(
    Object.values(app.env).flatMap((value) =>
      addressesIn(value, cluster).map(({ endpoint }) => endpoint.component),
    ),
  );
}

async function startStandIns(apps: RenderedApp[]): Promise<void> {
  const wanted = new Set<string>();
  /** The role and database each PostgreSQL stand-in is reached as. */
  const databaseNames = new Map<string, { user: string; database: string }>();
  for (const app of apps)
    for (const value of Object.values(app.env))
      for (const { endpoint, rest } of addressesIn(value, cluster)) {
        if (!STAND_INS[endpoint.component]) continue;
        const name = localProcess(endpoint, rest);
        wanted.add(name);
        if (endpoint.component === 'postgresql') {
          const url = new URL(value);
          databaseNames.set(name, {
            user: decodeURIComponent(url.username),
            database: databaseAfter(rest),
          });
        }
      }
  const bucketJob = podTemplates(objects)
    .flatMap((pod) => pod.spec.containers)
    .map((container) => container.env?.find((variable) => variable.name === 'BUCKET')?.value)
    .find((bucket) => bucket !== undefined);
  // As the launcher does: initdb once for every PostgreSQL stand-in, its result copied to the
  // others (three at once would each run it, at seconds of CPU and about 800 MB apiece).
  await initialisePgliteDataDirs([...databaseNames.keys()].map((name) => join(dataDir, name)));
  const specs = [...wanted].map((name): ProcessSpec => {
    if (name === 'kafka') return kafkaSpec(0, join(dataDir, 'kafka'));
    if (name === 's3') {
      if (!bucketJob) throw new Error('no rendered Job creates a bucket');
      return s3Spec(0, join(dataDir, 's3'), bucketJob);
    }
    const names = databaseNames.get(name);
    return pgliteSpec(name, [
      { listener: 'postgres', port: 0, dataDir: join(dataDir, name), ...(names ? { names } : {}) },
    ]);
  });
  await Promise.all(specs.map((standIn) => supervisor.start(standIn)));
}

/** Starts each app once every app its env names is running (the gateway last). */
async function startApps(apps: RenderedApp[]): Promise<void> {
  const started = new Set<string>();
  let waiting = apps;
  while (waiting.length > 0) {
    const names = new Set(waiting.map((app) => app.name));
    const ready = waiting.filter((app) => ![...dependencies(app)].some((dep) => names.has(dep)));
    if (ready.length === 0)
      throw new Error(`apps name each other in a cycle: ${[...names].join(', ')}`);
    await Promise.all(ready.map((app) => supervisor.start(appSpec(app))));
    for (const app of ready) started.add(app.name);
    waiting = waiting.filter((app) => !started.has(app.name));
  }
}

function renderedApps(): RenderedApp[] {
  return byKind(objects, 'Deployment').map((deployment) => {
    const template = (deployment['spec'] as { template: { spec: { containers: IContainer[] } } })
      .template;
    const [container] = template.spec.containers;
    const name = component(deployment.metadata.labels);
    if (!container || !name) throw new Error(`${deployment.metadata.name}: no app container`);
    return { name, container, env: containerEnv(objects, container) };
  });
}

/** The rendered `helm test` smoke Pod, run as a process with its env rewritten like the apps'. */
function runSmokePod(): Promise<{ code: number | null; output: string }> {
  const pod = podTemplates(objects).find((candidate) =>
    candidate.spec.containers.some((container) => container.name === 'smoke'),
  );
  const container = pod?.spec.containers.find((candidate) => candidate.name === 'smoke');
  if (!container) throw new Error('the chart renders no smoke test Pod');
  const [program, script, ...args] = container.command ?? [];
  if (program !== 'node' || !script) throw new Error('the smoke Pod does not run a node script');
  const env = Object.fromEntries(
    Object.entries(containerEnv(objects, container)).map(([name, value]) => [
      name,
      value.startsWith(`${IMAGE_ROOT}/`) ? inRepo(value) : rewriteAddresses(value),
    ]),
  );
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [inRepo(script), ...args], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', fail);
    child.once('exit', (code) => done({ code, output }));
  });
}

let apps: RenderedApp[];

beforeAll(async () => {
  apps = renderedApps();
  try {
    await startStandIns(apps);
    await startApps(apps);
  } catch (error) {
    process.stderr.write(`${logs.join('\n')}\n`);
    throw error;
  }
}, 180_000);

afterAll(async () => {
  await supervisor.stopAll();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the chart's rendered env", () => {
  it('starts all four apps of the default install', () => {
    expect(apps.map((app) => app.name).sort()).toEqual(['catalog', 'gateway', 'users', 'videos']);
  });

  it('runs the helm test smoke flow: browse, sign in, a WebSocket notification, a byte range', async () => {
    const run = await runSmokePod();
    if (run.code !== 0) process.stderr.write(`${run.output}\n${logs.slice(-200).join('\n')}\n`);
    expect(run.output).toContain('ok browse');
    expect(run.output).toContain('ok sign in');
    expect(run.output).toContain('ok WebSocket notification after an admin change');
    expect(run.output).toContain('ok play a byte range');
    expect(run.code).toBe(0);
  }, 240_000);

  it('makes the gateway serve the web app at /', async () => {
    const gateway = `http://${HOST}:${supervisor.get('gateway')?.listeners.http}`;
    const response = await fetch(`${gateway}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toBe(
      readFileSync(join(REPO_ROOT, 'apps/web/dist/index.html'), 'utf8'),
    );
  });
});
