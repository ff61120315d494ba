import { execFile } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** Whether a data directory holds an initialised database (initdb has run there). */
export function isInitialisedDataDir(dataDir: string): boolean {
  return existsSync(join(dataDir, 'PG_VERSION'));
}

/**
 * Runs initdb for a fresh data directory in a process of its own (`script` with `args`, which
 * must call initialiseDataDir). initdb grows PGlite's WebAssembly memory to about 800 MB and
 * WebAssembly memory never shrinks, so a server that ran it itself would keep that for its whole
 * life; one that opens an initialised directory stays at what a warm start takes (under 200 MB).
 */
export async function initialiseInChildProcess(
  dataDir: string,
  script: string,
  args: string[],
): Promise<void> {
  if (isInitialisedDataDir(dataDir)) return;
  await promisify(execFile)(process.execPath, [...process.execArgv, script, ...args]);
  if (!isInitialisedDataDir(dataDir)) throw new Error(`initdb did not initialise ${dataDir}`);
}

/**
 * Initialises every directory of `dataDirs` that is not yet, running initdb once (in a process of
 * its own, see initialiseInChildProcess) and copying its result to the others: each initdb costs
 * seconds of CPU and about 800 MB while it runs, and every embedded database starts from the same
 * empty cluster (the role and database names are the wire server's, not initdb's).
 */
export async function initialiseDataDirs(
  dataDirs: readonly string[],
  script: string,
  args: (dataDir: string) => string[],
): Promise<void> {
  const fresh = dataDirs.filter((dataDir) => !isInitialisedDataDir(dataDir));
  const [first, ...others] = fresh;
  if (first === undefined) return;
  await initialiseInChildProcess(first, script, args(first));
  for (const dataDir of others) cpSync(first, dataDir, { recursive: true });
}
