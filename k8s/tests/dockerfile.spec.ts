import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { existingApps, repoRoot } from './support/repo';

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
const buildRuns = (stage('build')?.instructions ?? [])
  .filter((i) => i.keyword === 'RUN')
  .map((i) => i.args);
const nxBuild = buildRuns
  .map((run) => /npx nx run \$\{?APP\}?:build\b[^&;|]*/.exec(run)?.[0])
  .find(Boolean);

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

  it('builds the chosen app with its Nx build target', () => {
    expect(nxBuild).toBeDefined();
  });

  it('installs only production dependencies of the chosen app workspace', () => {
    const runs = (stage('prod-deps')?.instructions ?? [])
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join('\n');
    expect(runs).toMatch(/npm ci --omit=dev --workspace "?apps\/\$\{APP\}"?/);
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
    const runs = (stage('prod-deps')?.instructions ?? [])
      .filter((i) => i.keyword === 'RUN')
      .map((i) => i.args)
      .join('\n');
    const deleting = /find \. -type f \\\( (.*?) \\\) -delete/s.exec(runs)?.[1] ?? '';
    for (const pattern of ['*.map', '*.d.ts', '*.spec.js', '*.tsbuildinfo'])
      expect(deleting).toContain(`-name '${pattern}'`);
  });

  it('runs node directly as a numeric non-root user from apps/$APP', () => {
    const user = runtime?.instructions.filter((i) => i.keyword === 'USER').at(-1)?.args ?? '';
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
    const workdir = runtime?.instructions.filter((i) => i.keyword === 'WORKDIR').at(-1)?.args;
    expect(workdir).toBe('/app/apps/${APP}');
    const cmd = JSON.parse(
      runtime?.instructions.filter((i) => i.keyword === 'CMD').at(-1)?.args ?? 'null',
    ) as unknown;
    expect(cmd).toEqual(['node', 'dist/main.js']);
    expect(runtime?.instructions.some((i) => i.keyword === 'ENTRYPOINT')).toBe(false);
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

const apps = existingApps();
it('covers every service, so the check cannot quietly shrink', () => {
  expect([...apps].sort()).toEqual(['catalog', 'gateway', 'users', 'videos']);
});

describe.each(apps)("the Dockerfile's build step for %s", (app) => {
  it('runs locally and leaves the file CMD starts', () => {
    if (!nxBuild) throw new Error('no nx build command in the build stage');
    const command = nxBuild.replace(/\$\{?APP\}?/g, app);
    const result = spawnSync('bash', ['-c', command], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(result.status === 0 ? '' : result.stdout + result.stderr).toBe('');
    // WORKDIR /app/apps/$APP + CMD node dist/main.js
    expect(existsSync(path.join(repoRoot, 'apps', app, 'dist/main.js'))).toBe(true);
  });
});
