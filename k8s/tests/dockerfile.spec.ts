import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { render } from './support/helm';
import { spec } from './support/k8s-objects';
import { existingApps, existingImageApps, repoRoot } from './support/repo';

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

const dockerfile = readFileSync(path.join(repoRoot, 'docker/Dockerfile'), 'utf8');

/** Splits the Dockerfile into stages of instructions, joining continuation lines. */
function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of logical) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    if (instruction.keyword === 'FROM') {
      const [from = '', as, name] = rest;
      stages.push({
        from,
        ...(as?.toUpperCase() === 'AS' && name ? { name } : {}),
        instructions: [],
      });
    } else if (stages.length === 0 && instruction.keyword === 'ARG') {
      const [key = '', value = ''] = instruction.args.split('=');
      args.set(key, value);
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { args, stages };
}

const { args, stages } = parseDockerfile(dockerfile);
const stage = (name: string) => stages.find((s) => s.name === name);
const runtime = stages.at(-1);
const runsOf = (name: string) =>
  (stage(name)?.instructions ?? []).filter((i) => i.keyword === 'RUN').map((i) => i.args);
const buildRuns = runsOf('build');
const nxBuild = buildRuns.find((run) => run.startsWith('npx nx run-many -t build '));
/** The build stage's step that gathers every compiled output under /dist. */
const assemble = buildRuns.find((run) => /\s\/dist\//.test(run));
/** The prod-deps stage's clean-up step (what stays of apps/ and libs/). */
const cleanUp = runsOf('prod-deps').find((run) => run.includes('-delete'));
/** The apps the image holds: the APPS build argument's default. */
const imageApps = (args.get('APPS') ?? '').replace(/^"|"$/g, '').split(' ').filter(Boolean);
/** Runs a step of the Dockerfile as RUN does, APPS set as the build would set it. */
function replay(script: string, cwd: string) {
  // sh: Debian's dash, the shell RUN uses in the bookworm image.
  return spawnSync('sh', ['-ec', script], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, APPS: imageApps.join(' '), NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    maxBuffer: 64 * 1024 * 1024,
  });
}

describe('docker/Dockerfile', () => {
  it('builds on a pinned Node LTS image (even major, exact version)', () => {
    const image = args.get('NODE_IMAGE') ?? '';
    const version = /^node:(\d+)\.(\d+)\.(\d+)-/.exec(image);
    expect(version).not.toBeNull();
    expect(Number(version?.[1]) % 2).toBe(0);
    expect(
      stages.every(
        (s) => s.from === '${NODE_IMAGE}' || stages.some((other) => other.name === s.from),
      ),
    ).toBe(true);
  });

  it('runs the Node release that package.json pins for development, tests and engines', () => {
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      engines: { node: string };
      devDependencies: Record<string, string>;
    };
    const pinned = manifest.devDependencies['node'];
    const image = /^node:(\d+\.\d+\.\d+)-/.exec(args.get('NODE_IMAGE') ?? '')?.[1];
    expect(image).toBe(pinned);
    expect(manifest.engines.node).toBe(`^${pinned}`);
    expect(manifest.devDependencies['@types/node']?.replace(/^\^/, '').split('.')[0]).toBe(
      pinned?.split('.')[0],
    );
  });

  it('holds exactly the apps the chart runs: the services and the load generator', () => {
    expect([...imageApps].sort()).toEqual([...existingImageApps()].sort());
  });

  it('builds every app and the web app with their Nx build targets', () => {
    expect(nxBuild).toContain('--projects="$(echo ${APPS} web');
  });

  it('installs the production dependencies of the app workspaces together', () => {
    const runs = runsOf('prod-deps').join('\n');
    const install = /npm ci --omit=dev (\$\(.*?\)) /.exec(runs);
    expect(install).not.toBeNull();
    const flags = replay(`echo ${install?.[1] ?? ''}`, repoRoot).stdout.trim();
    expect(flags).toBe(imageApps.map((app) => `--workspace apps/${app}`).join(' '));
    expect(
      runtime?.instructions.some(
        (i) => i.keyword === 'COPY' && i.args.includes('--from=prod-deps'),
      ),
    ).toBe(true);
    expect(
      runtime?.instructions.some((i) => i.keyword === 'COPY' && i.args.includes('--from=deps')),
    ).toBe(false);
  });

  it('ships no source maps, type declarations or compiled tests', () => {
    const deleting = /find \. -type f \\\( (.*?) \\\) -delete/s.exec(cleanUp ?? '')?.[1] ?? '';
    for (const pattern of ['*.map', '*.d.ts', '*.spec.js', '*.tsbuildinfo'])
      expect(deleting).toContain(`-name '${pattern}'`);
  });

  it('runs node directly as a numeric non-root user from /app, the gateway unless told', () => {
    const user = runtime?.instructions.filter((i) => i.keyword === 'USER').at(-1)?.args ?? '';
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
    const workdir = runtime?.instructions.filter((i) => i.keyword === 'WORKDIR').at(-1)?.args;
    expect(workdir).toBe('/app');
    expect(
      runtime?.instructions.some((i) => i.keyword === 'COPY' && /\/repo\/ \/app\/$/.test(i.args)),
    ).toBe(true);
    const cmd = JSON.parse(
      runtime?.instructions.filter((i) => i.keyword === 'CMD').at(-1)?.args ?? 'null',
    ) as unknown;
    // Node's flags between (chart-node-runtime.spec.ts holds them to the launcher's).
    expect(Array.isArray(cmd)).toBe(true);
    const [node, ...rest] = cmd as string[];
    expect(node).toBe('node');
    expect(rest.at(-1)).toBe('apps/gateway/dist/main.js');
    expect(rest.slice(0, -1)).toEqual(rest.slice(0, -1).map(() => expect.stringMatching(/^--/)));
    expect(runtime?.instructions.some((i) => i.keyword === 'ENTRYPOINT')).toBe(false);
  });

  // scripts fall back to plain `docker build` without buildx, which may be the legacy builder.
  it('builds without BuildKit: no syntax directive, mount, heredoc or BuildKit-only flag', () => {
    const buildkitOnly = [
      /^#\s*syntax=/im,
      /^\s*RUN\s+(--\w+=\S+\s+)*--(mount|network|security)=/im,
      /^\s*(RUN|COPY)\s.*<<-?\s*['"]?\w+/im,
      /^\s*(COPY|ADD)\s+(--\w+=\S+\s+)*--(link|chmod|parents|exclude)\b/im,
    ];
    expect(buildkitOnly.filter((pattern) => pattern.test(dockerfile)).map(String)).toEqual([]);
  });

  it('has no architecture-specific step', () => {
    const code = dockerfile
      .split('\n')
      .filter((line) => !line.trim().startsWith('#'))
      .join('\n');
    expect(code).not.toMatch(/--platform|amd64|x86_64|arm64|aarch64/);
  });

  it('keeps the build context small with .dockerignore', () => {
    const ignored = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    expect(ignored).toEqual(
      expect.arrayContaining([
        '**/node_modules',
        '**/dist',
        '.git',
        '.nx',
        'libs/contracts/src/generated',
      ]),
    );
  });
});

it('covers every service and the load generator, so the check cannot quietly shrink', () => {
  expect([...existingApps()].sort()).toEqual(['catalog', 'gateway', 'users', 'videos']);
  expect([...existingImageApps()].sort()).toEqual([
    'catalog',
    'gateway',
    'loadgen',
    'users',
    'videos',
  ]);
});

// The build, gathering and clean-up steps replayed here (the build in the repository, the others
// in a scratch directory standing in for /dist and /app), then every rendered Deployment's command
// and the gateway's WEB_DIST_DIR looked up in the result, from the container's workingDir.
describe("the image's layout", () => {
  const image = mkdtempSync(path.join(tmpdir(), 'kinema-image-'));
  afterAll(() => rmSync(image, { recursive: true, force: true }));

  it("builds locally with the Dockerfile's nx command", () => {
    if (!nxBuild) throw new Error('no nx build command in the build stage');
    const result = replay(nxBuild, repoRoot);
    expect(result.status === 0 ? '' : result.stdout + result.stderr).toBe('');
  });

  it('gathers and cleans up the outputs as the Dockerfile does', () => {
    if (!assemble || !cleanUp) throw new Error('no gathering or clean-up step');
    const gathered = replay(assemble.replace(/ \/dist\b/g, ` ${image}/dist`), repoRoot);
    expect(gathered.stderr).toBe('');
    const cleaned = replay(cleanUp, path.join(image, 'dist'));
    expect(cleaned.stderr).toBe('');
  });

  it.each(existingImageApps())(
    "holds the %s Deployment's command where its workingDir puts it",
    (app) => {
      // The load generator is off by default.
      const deployment = render({ set: ['loadgen.enabled=true'] }).find(
        (object) =>
          object.kind === 'Deployment' &&
          object.metadata.labels?.['app.kubernetes.io/component'] === app,
      );
      const container = deployment
        ? spec<{ template: { spec: IPodSpec } }>(deployment).template.spec.containers[0]
        : undefined;
      // COPY --from=prod-deps /repo/ /app/: the gathered tree is the image's /app.
      expect(container?.workingDir).toBe('/app');
      const command = container?.command ?? [];
      const [program, main] = [command[0], command.at(-1)];
      expect(program).toBe('node');
      expect(existsSync(path.join(image, 'dist', main ?? 'none'))).toBe(true);
      const webDist = container?.env?.find((variable) => variable.name === 'WEB_DIST_DIR')?.value;
      if (app === 'gateway')
        expect(existsSync(path.join(image, 'dist', webDist ?? 'none', 'index.html'))).toBe(true);
    },
  );
});
