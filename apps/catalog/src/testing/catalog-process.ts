import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { waitFor, type TestDatabase } from '@kinema/dev-infra';
import { serviceTestEnv } from '@kinema/platform/testing';
import { CATALOG_TEST_SETTINGS } from './catalog-test-harness';

const repoRoot = resolve(__dirname, '../../../..');

// The child runs the TypeScript sources as Jest does: SWC (with the decorator metadata NestJS
// needs, which tsx's esbuild cannot emit) and the workspace libraries mapped to their sources.
const register = `
const Module = require('node:module');
const fs = require('node:fs');
const swc = require('@swc/core');
const { swcOptions } = require(${JSON.stringify(join(repoRoot, 'jest.preset.cjs'))});
const aliases = {
  '@kinema/contracts': ${JSON.stringify(join(repoRoot, 'libs/contracts/src/index.ts'))},
  '@kinema/platform': ${JSON.stringify(join(repoRoot, 'libs/platform/src/index.ts'))},
};
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, aliases[request] ?? request, ...rest);
};
require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  module._compile(swc.transformSync(source, { ...swcOptions, filename }).code, filename);
};
require(${JSON.stringify(join(__dirname, 'catalog-process.main.ts'))});
`;

export interface CatalogProcess {
  grpcPort: number;
  /** Resolves once the process has printed `line`. */
  printed(line: string): Promise<void>;
  /** SIGKILL: no shutdown hooks, no consumer leaving its group, no commit. */
  kill(): Promise<void>;
}

/**
 * Starts the catalog as a child process (see catalog-process.main.ts) on `database`, with the
 * settings startTestCatalog gives and `env` over them, and waits until it serves.
 */
export async function startCatalogProcess(
  database: TestDatabase,
  env: Record<string, string>,
): Promise<CatalogProcess> {
  const child: ChildProcess = spawn(process.execPath, ['-e', register], {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...serviceTestEnv(database),
      ...CATALOG_TEST_SETTINGS,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let exited = false;
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<void>((resolveExit) =>
    child.once('exit', () => {
      exited = true;
      resolveExit();
    }),
  );
  const printed = (line: string) =>
    waitFor(() => {
      if (exited) throw new Error(`the catalog process exited:\n${output}`);
      return output.split('\n').some((printedLine) => printedLine.startsWith(line));
    }, `the catalog process prints "${line}"`);
  await printed('catalog-ready');
  const port = /catalog-ready (\d+)/.exec(output)?.[1];
  return {
    grpcPort: Number(port),
    printed,
    kill: async () => {
      if (!exited) child.kill('SIGKILL');
      await exit;
    },
  };
}
