import {
  isSupervisionMessage,
  reportListening,
  tellSupervisor,
} from '@kinema/contracts/supervision';
import { parseArgs } from 'node:util';
import { pgliteCliDatabases } from './pglite-cli-options';
import { initialiseDataDirs } from './pglite-data-dir';
import {
  initialiseDataDir,
  loadPgliteRuntime,
  startPgliteServer,
  type RunningPgliteServer,
} from './pglite-server';

// `node pglite-cli.js --port 15431 --data-dir .data/pglite/catalog`: one PGlite database on a
// socket; `--listener postgres-catalog --port 15431 --data-dir .data/pglite/catalog --listener
// postgres-users --port 15432 --data-dir .data/pglite/users ...`: several, each on its own.
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      listener: { type: 'string', multiple: true },
      port: { type: 'string', multiple: true },
      'data-dir': { type: 'string', multiple: true },
      'init-only': { type: 'boolean', default: false },
      user: { type: 'string', multiple: true },
      database: { type: 'string', multiple: true },
    },
  });
  if (values['init-only']) {
    const [dataDir, ...others] = values['data-dir'] ?? [];
    if (!dataDir || others.length > 0) throw new Error('--init-only needs one --data-dir');
    await initialiseDataDir(dataDir);
    return;
  }
  const databases = pgliteCliDatabases(values);
  // A fresh directory is initialised by a short-lived process (see initialiseInChildProcess).
  const script = process.argv[1];
  const dataDirs = databases.flatMap((database) => (database.dataDir ? [database.dataDir] : []));
  if (script) {
    await initialiseDataDirs(dataDirs, script, (dataDir) => ['--init-only', '--data-dir', dataDir]);
  }
  const runtime = await loadPgliteRuntime();
  const servers = new Map<string, RunningPgliteServer>();
  const stopServers = () => Promise.all([...servers.values()].map((server) => server.stop()));
  try {
    for (const database of databases) {
      const server = await startPgliteServer({
        host: values.host,
        port: database.port,
        dataDir: database.dataDir,
        names: database.names,
        runtime,
      });
      servers.set(database.listener, server);
      process.stdout.write(`pglite listening on ${server.url} (${database.listener})\n`);
    }
  } catch (error) {
    await stopServers();
    throw error;
  }
  reportListening(Object.fromEntries([...servers].map(([listener, s]) => [listener, s.port])));
  // `kinema pg-dump`, through the launcher: pg_dump must run beside PGlite, in this process.
  process.on('message', (message: unknown) => {
    if (!isSupervisionMessage(message) || message.type !== 'kinema.dump-database') return;
    const server = servers.get(message.listener);
    (server ? server.dump() : Promise.reject(new Error(`no database on ${message.listener}`))).then(
      (sql) => tellSupervisor({ type: 'kinema.database-dump', id: message.id, sql }),
      (error: unknown) =>
        tellSupervisor({
          type: 'kinema.database-dump',
          id: message.id,
          error: error instanceof Error ? error.message : String(error),
        }),
    );
  });
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    // Closing flushes PGlite's data directories; skipping it can lose the last writes.
    await stopServers();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  // Started by the launcher with an IPC channel: its loss means the launcher is gone.
  if (process.connected) process.once('disconnect', () => void stop());
}

main().catch((error: unknown) => {
  const code = (error as { code?: string }).code;
  process.stderr.write(
    code === 'EADDRINUSE'
      ? `pglite: the port is already in use (${String(error)})\n`
      : `pglite failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
