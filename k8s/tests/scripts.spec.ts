import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { IServiceSpec } from 'kubernetes-models/v1/ServiceSpec';
import { render } from './support/helm';
import { byKind, kinemaPodImages, spec } from './support/k8s-objects';
import { runWithStubs } from './support/cluster-stubs';
import { existingApps, repoRoot } from './support/repo';

const scriptsDir = path.join(repoRoot, 'k8s/scripts');
const scripts = readdirSync(scriptsDir)
  .filter((file) => file.endsWith('.sh'))
  .sort();

function bash(script: string, env: Record<string, string> = {}) {
  return spawnSync('bash', ['-c', script], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}

describe('cluster scripts', () => {
  it.each(['up-kind.sh', 'up-minikube.sh', 'down.sh'])('%s exists and is executable', (name) => {
    expect(() => accessSync(path.join(scriptsDir, name), constants.X_OK)).not.toThrow();
  });

  it('shellcheck is installed (Debian package `shellcheck`)', () => {
    const result = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' });
    expect(result.error?.message ?? '').toBe('');
    expect(result.status).toBe(0);
  });

  it.each(scripts)('%s passes shellcheck', (name) => {
    const result = spawnSync(
      'shellcheck',
      ['--severity=style', '--external-sources', path.join(scriptsDir, name)],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    );
    expect(result.stdout + result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('down.sh rejects an unknown flag with its usage', () => {
    const result = bash('k8s/scripts/down.sh --wipe-everything');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('usage:');
  });

  it('name every app the repository has', () => {
    const result = bash('source k8s/scripts/lib.sh && printf "%s\\n" "${KINEMA_APPS[@]}"');
    expect(result.stdout.trim().split('\n').filter(Boolean)).toEqual(existingApps());
  });

  it.each(['kinema', 'demo', 'kinema-staging'])(
    'find the gateway and Jaeger Services the chart names for release %s',
    (release) => {
      const services = byKind(
        render({
          release,
          set: ['observability.collector.enabled=true', 'observability.jaeger.enabled=true'],
        }),
        'Service',
      );
      for (const name of ['gateway', 'jaeger']) {
        const result = bash(`source k8s/scripts/lib.sh && ${name}_service`, {
          KINEMA_RELEASE: release,
        });
        const service = services.find(
          (s) => s.metadata.labels?.['app.kubernetes.io/component'] === name,
        );
        expect(service).toBeDefined();
        expect(result.stdout.trim()).toBe(service?.metadata.name);
      }
    },
  );
});

function indexOfCall(calls: string[], pattern: RegExp): number {
  return calls.findIndex((call) => pattern.test(call));
}

/** The `--set` values of the recorded `helm upgrade --install kinema` call. */
function installSets(calls: string[]): string[] {
  const install = calls.find((call) => call.startsWith('helm upgrade --install kinema '));
  if (!install) throw new Error('the script never installed the release');
  return [...install.matchAll(/--set (\S+)/g)].map((match) => match[1] ?? '');
}

/** Images of every Kinema pod (the Deployments and the `helm test` Pods) rendered with `set`. */
function kinemaImages(set: string[]): Set<string> {
  return new Set(kinemaPodImages(render({ set })).values());
}

/** Arguments of the calls matching `pattern` (its first group). */
function captured(calls: string[], pattern: RegExp): string[] {
  return calls.flatMap((call) => pattern.exec(call)?.[1] ?? []);
}

describe('cluster script flow (tools stubbed)', () => {
  it('up-kind.sh creates the cluster, builds and loads the image every pod runs, then installs, checks and tests', () => {
    const { status, stderr, calls } = runWithStubs('up-kind.sh', ['-f', 'extra.yaml']);
    expect(stderr).not.toMatch(/error:/);
    expect(status).toBe(0);
    const create = indexOfCall(
      calls,
      /^kind create cluster --name kinema --config .*k8s\/kind\/cluster\.yaml/,
    );
    const metrics = indexOfCall(calls, /^helm upgrade --install metrics-server /);
    const build = indexOfCall(
      calls,
      /^docker buildx build --file .*docker\/Dockerfile --tag kinema:test-tag --provenance=false --sbom=false --load /,
    );
    const load = indexOfCall(calls, /^kind load docker-image kinema:test-tag --name kinema$/);
    const install = indexOfCall(
      calls,
      /^helm upgrade --install kinema .*helm\/kinema --namespace kinema --set default\.image\.tag=test-tag .*-f extra\.yaml --wait/,
    );
    const helmTest = indexOfCall(calls, /^helm test kinema --namespace kinema/);
    expect([create, metrics, build, install, helmTest].every((i) => i >= 0)).toBe(true);
    expect(create).toBeLessThan(install);
    expect(load).toBeGreaterThan(build);
    expect(install).toBeGreaterThan(load);
    // Every pod of the release as installed (all four apps and the tests) runs a loaded image.
    const loaded = captured(calls, /^kind load docker-image (\S+) /);
    expect([...kinemaImages(installSets(calls))]).toEqual(loaded);
    expect(calls).toContainEqual(
      expect.stringMatching(
        /^kubectl label namespace kinema --overwrite pod-security\.kubernetes\.io\/enforce=restricted/,
      ),
    ); // metrics-server is installed first, so the HPAs the chart leaves off by default are turned on.
    for (const app of existingApps())
      expect(calls[install]).toContain(`--set ${app}.autoscaling.enabled=true`);
  });

  it('turns on the collector and Jaeger, and ends by saying how to open Jaeger', () => {
    const { status, stderr, calls } = runWithStubs('up-kind.sh', []);
    expect(status).toBe(0);
    const sets = installSets(calls);
    expect(sets).toEqual(
      expect.arrayContaining([
        'observability.collector.enabled=true',
        'observability.jaeger.enabled=true',
      ]),
    );
    const jaeger = byKind(render({ set: sets }), 'Service').find(
      (s) => s.metadata.labels?.['app.kubernetes.io/component'] === 'jaeger',
    );
    expect(jaeger && spec<IServiceSpec>(jaeger).ports?.map((p) => p.port)).toContain(16686);
    expect(stderr).toContain(`kubectl -n kinema port-forward svc/${jaeger?.metadata.name} 16686`);
  });

  it('KINEMA_TRACING=false leaves tracing to the values given', () => {
    const { status, stderr, calls } = runWithStubs('up-minikube.sh', [], {
      KINEMA_TRACING: 'false',
    });
    expect(status).toBe(0);
    expect(installSets(calls).filter((set) => set.startsWith('observability.'))).toEqual([]);
    expect(stderr).not.toContain('16686');
  });

  it('KINEMA_AUTOSCALING=false installs without HPAs, so kubectl scale holds, and says so', () => {
    const { status, stderr, calls } = runWithStubs('up-kind.sh', [], {
      KINEMA_AUTOSCALING: 'false',
    });
    expect(status).toBe(0);
    expect(installSets(calls).filter((set) => set.includes('autoscaling'))).toEqual([]);
    expect(byKind(render({ set: installSets(calls) }), 'HorizontalPodAutoscaler')).toEqual([]);
    expect(stderr).toContain('kubectl -n kinema scale deployment/kinema-catalog --replicas=3');
  });

  it('with the HPAs on, tells how to scale by hand through the HPA the chart renders', () => {
    const { status, stderr, calls } = runWithStubs('up-kind.sh', []);
    expect(status).toBe(0);
    const hpa = byKind(render({ set: installSets(calls) }), 'HorizontalPodAutoscaler').find(
      (h) => h.metadata.name === 'kinema-catalog',
    );
    expect(hpa).toBeDefined();
    expect(stderr).toContain(
      `kubectl -n kinema patch hpa/${hpa?.metadata.name} --type merge -p '{"spec":{"minReplicas":3}}'`,
    );
  });

  it('builds with plain docker build where buildx is missing', () => {
    const { status, calls } = runWithStubs('up-kind.sh', [], { STUB_BUILDX_STATUS: '1' });
    expect(status).toBe(0);
    expect(calls).toContainEqual(
      expect.stringMatching(/^docker build --file \S+ --tag kinema:test-tag \S+$/),
    );
  });

  it('KINEMA_PLATFORMS builds every listed platform with buildx, pushes to KINEMA_REGISTRY and installs from there', () => {
    const { status, calls } = runWithStubs('up-kind.sh', [], {
      KINEMA_PLATFORMS: 'linux/amd64,linux/arm64',
      KINEMA_REGISTRY: 'registry.example/acme',
    });
    expect(status).toBe(0);
    const pushed = captured(
      calls,
      /^docker buildx build .* --tag (\S+) --platform linux\/amd64,linux\/arm64 --push /,
    );
    expect(pushed).toEqual(['registry.example/acme/kinema:test-tag']);
    expect([...kinemaImages(installSets(calls))]).toEqual(pushed);
    expect(indexOfCall(calls, /^kind load/)).toBe(-1);
  });

  it('KINEMA_PLATFORMS without a registry stops before building, saying why', () => {
    const { status, stderr, calls } = runWithStubs('up-kind.sh', [], {
      KINEMA_PLATFORMS: 'linux/amd64,linux/arm64',
    });
    expect(status).not.toBe(0);
    expect(stderr).toContain('KINEMA_PLATFORMS needs KINEMA_REGISTRY');
    expect(calls.filter((call) => / build /.test(call))).toEqual([]);
  });

  it('up-kind.sh falls back to an image archive where kind load docker-image fails (Docker 29+)', () => {
    const { status, calls } = runWithStubs('up-kind.sh', [], { STUB_KIND_LOAD_FAILS: '1' });
    expect(status).toBe(0);
    const save = indexOfCall(calls, /^docker image save --output (\S+)\.tar kinema:test-tag$/);
    const archive = /--output (\S+) /.exec(calls[save] ?? '')?.[1] ?? 'none';
    const load = calls.indexOf(`kind load image-archive ${archive} --name kinema`);
    expect(save).toBeGreaterThanOrEqual(0);
    expect(load).toBeGreaterThan(save);
    expect([...kinemaImages(installSets(calls))]).toEqual(['kinema:test-tag']);
  });

  it('up-kind.sh reuses an existing cluster', () => {
    const { status, calls } = runWithStubs('up-kind.sh', [], { STUB_CLUSTERS: 'kinema\n' });
    expect(status).toBe(0);
    expect(indexOfCall(calls, /^kind create cluster/)).toBe(-1);
  });

  it('up-minikube.sh starts a Calico profile, enables metrics-server and loads the image every pod runs', () => {
    const { status, calls } = runWithStubs('up-minikube.sh', []);
    expect(status).toBe(0);
    expect(calls).toContainEqual(
      expect.stringMatching(/^minikube start --profile kinema .*--cni calico/),
    );
    expect(calls).toContainEqual('minikube addons enable metrics-server --profile kinema');
    const loaded = captured(calls, /^minikube image load (\S+) /);
    expect([...kinemaImages(installSets(calls))]).toEqual(loaded);
    expect(indexOfCall(calls, /^helm upgrade --install kinema /)).toBeGreaterThan(
      indexOfCall(calls, /^minikube image load/),
    );
  });

  it('down.sh deletes the kind cluster it finds', () => {
    const { status, calls } = runWithStubs('down.sh', [], { STUB_CLUSTERS: 'kinema\n' });
    expect(status).toBe(0);
    expect(calls).toContain('kind delete cluster --name kinema');
  });

  it('down.sh --keep-cluster uninstalls and wipes the kept Secrets and volumes only', () => {
    const { status, calls } = runWithStubs('down.sh', ['--keep-cluster'], {
      STUB_CLUSTERS: 'kinema\n',
    });
    expect(status).toBe(0);
    expect(calls).toContainEqual(
      expect.stringMatching(/^helm uninstall kinema --namespace kinema/),
    );
    expect(calls).toContainEqual(
      expect.stringMatching(
        /^kubectl -n kinema delete secret,pvc -l app\.kubernetes\.io\/instance=kinema/,
      ),
    );
    expect(indexOfCall(calls, /^kind delete/)).toBe(-1);
  });
});

describe('kind cluster config', () => {
  const config = parse(readFileSync(path.join(repoRoot, 'k8s/kind/cluster.yaml'), 'utf8')) as {
    nodes: Array<{ extraPortMappings?: Array<{ containerPort: number; hostPort: number }> }>;
  };

  it('leaves the NodePort to the cluster by default, so two releases can share one', () => {
    const gateway = byKind(render(), 'Service').find((s) => s.metadata.name === 'kinema-gateway');
    expect(gateway && spec<IServiceSpec>(gateway).ports?.[0]?.nodePort).toBeUndefined();
  });

  it('maps the NodePort the scripts set to localhost:8080', () => {
    const scriptPort = /KINEMA_NODE_PORT:-(\d+)/.exec(
      readFileSync(path.join(scriptsDir, 'lib.sh'), 'utf8'),
    )?.[1];
    const gateway = byKind(
      render({ set: [`gateway.service.nodePort=${scriptPort}`] }),
      'Service',
    ).find((s) => s.metadata.name === 'kinema-gateway');
    const nodePort = gateway && spec<IServiceSpec>(gateway).ports?.[0]?.nodePort;
    const mappings = config.nodes.flatMap((node) => node.extraPortMappings ?? []);
    expect(nodePort).toBeDefined();
    expect(mappings).toContainEqual(
      expect.objectContaining({ containerPort: nodePort, hostPort: 8080 }),
    );
  });
});
