import { spawnSync } from 'node:child_process';
import { globSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './support/repo';

// The kind workflow needs Docker and a GitHub runner, so it cannot run here. These checks are
// what can be proven offline: its structure, the actions it names, the files its steps run, and
// shellcheck over every `run:` block (the part of actionlint's checks that matters most here).
interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; 'timeout-minutes'?: number; steps: Step[] }>;
}

const file = path.join(repoRoot, '.github/workflows/kind.yaml');
const workflow = parse(readFileSync(file, 'utf8')) as Workflow;
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const runs = steps.filter((step) => step.run !== undefined);

describe('.github/workflows/kind.yaml', () => {
  it('runs on demand and on pull requests, read-only, with a time limit', () => {
    expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'workflow_dispatch']);
    expect(workflow.permissions).toEqual({ contents: 'read' });
    for (const job of Object.values(workflow.jobs))
      expect(job['timeout-minutes']).toBeGreaterThan(0);
  });

  it('every step either uses an action at a version or runs a script, never both', () => {
    for (const step of steps) {
      expect([step.uses, step.run].filter((x) => x !== undefined)).toHaveLength(1);
      if (step.uses) expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@v\d+/);
    }
  });

  it('builds, loads and installs through the script the README documents, then deletes the cluster', () => {
    const commands = runs.map((step) => step.run ?? '').join('\n');
    expect(commands).toContain('bash k8s/scripts/up-kind.sh');
    const cleanup = runs.find((step) => step.run?.includes('k8s/scripts/down.sh'));
    expect(cleanup?.if).toBe('always()');
    // up-kind.sh installs with --wait and runs helm test (lib.sh).
    const lib = readFileSync(path.join(repoRoot, 'k8s/scripts/lib.sh'), 'utf8');
    expect(lib).toMatch(/helm upgrade --install[\s\S]*?--wait/);
    expect(readFileSync(path.join(repoRoot, 'k8s/scripts/up-kind.sh'), 'utf8')).toMatch(
      /^run_helm_tests$/m,
    );
  });

  it('names only files and globs that exist', () => {
    const commands = runs.map((step) => step.run ?? '').join('\n');
    const paths = [...commands.matchAll(/(?:^|\s)((?:k8s|helm)\/[\w./*-]+)/g)].map(
      (m) => m[1] ?? '',
    );
    expect(paths.length).toBeGreaterThan(0);
    for (const candidate of paths)
      expect([candidate, globSync(candidate, { cwd: repoRoot }).length]).not.toEqual([
        candidate,
        0,
      ]);
  });

  it('every run block passes shellcheck', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kinema-workflow-'));
    try {
      const problems = runs.flatMap((step, index) => {
        const script = path.join(dir, `step-${index}.sh`);
        // GitHub runs `run:` with bash -e; ${{ }} expressions are replaced before the shell sees them.
        const body = (step.run ?? '').replace(/\$\{\{[^}]*\}\}/g, 'expr');
        writeFileSync(script, `#!/usr/bin/env bash\nset -e\n${body}`);
        const result = spawnSync('shellcheck', ['--severity=style', script], { encoding: 'utf8' });
        if (result.error) throw result.error;
        return result.status === 0 ? [] : [`${step.name}: ${result.stdout}`];
      });
      expect(problems).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
