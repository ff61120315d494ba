import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from './repo';

// Stand-ins for the cluster tools: each records its command line, so the scripts' flow can be
// checked offline. Only the answers the scripts branch on are scripted. A tool reading a manifest
// from stdin (\`-f -\`) records itself once its input has ended, i.e. after the command piping
// into it has exited: the two sides of a pipe run at once, and would otherwise log in any order.
const stub = `#!/usr/bin/env bash
case " $* " in *" -f - "*) cat >/dev/null ;; esac
echo "$(basename "$0") $*" >> "$STUB_LOG"
case "$(basename "$0") $1 $2" in
  "kind get clusters") printf '%s' "\${STUB_CLUSTERS:-}" ;;
  "kind load docker-image")
    if [ -n "\${STUB_KIND_LOAD_FAILS:-}" ]; then echo "ctr: content digest sha256:0 not found" >&2; exit 1; fi ;;
  "docker buildx version") exit "\${STUB_BUILDX_STATUS:-0}" ;;
  "minikube status"*) exit "\${STUB_MINIKUBE_STATUS:-1}" ;;
  "minikube ip"*) echo 192.0.2.10 ;;
esac
exit 0
`;

/**
 * Runs `script` (a file under k8s/scripts, or a bash program given as `{ inline }`) with the
 * cluster tools replaced by the stand-ins above; returns each tool call it made, in order.
 */
export function runWithStubs(
  script: string | { inline: string },
  args: string[],
  env: Record<string, string> = {},
) {
  const dir = mkdtempSync(path.join(tmpdir(), 'kinema-stubs-'));
  try {
    for (const tool of ['docker', 'kind', 'kubectl', 'helm', 'curl', 'minikube']) {
      writeFileSync(path.join(dir, tool), stub);
      chmodSync(path.join(dir, tool), 0o755);
    }
    const log = path.join(dir, 'calls.log');
    writeFileSync(log, '');
    const [command, commandArgs] =
      typeof script === 'string'
        ? [path.join(repoRoot, 'k8s/scripts', script), args]
        : ['bash', ['-euo', 'pipefail', '-c', script.inline, ...args]];
    const result = spawnSync(command, commandArgs, {
      cwd: repoRoot,
      encoding: 'utf8',
      env: {
        ...process.env,
        PATH: `${dir}${path.delimiter}${process.env['PATH'] ?? ''}`,
        STUB_LOG: log,
        KINEMA_TAG: 'test-tag',
        ...env,
      },
    });
    return {
      status: result.status,
      stderr: result.stderr,
      calls: readFileSync(log, 'utf8').trim().split('\n'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
