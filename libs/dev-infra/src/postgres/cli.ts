import { isSupervisionMessage, reportListening, tellSupervisor } from '@kinema/contracts';
import { parseArgs } from 'node:util';
import { initialiseInChildProcess } from './pglite-data-dir';
import { initialiseDataDir, startPgliteServer } from './pglite-server';

// `node pglite-cli.js --port 54331 --data-dir .data/pglite/catalog`: one PGlite database on a socket.
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '54331' },
      'data-dir': { type: 'string' },
      'init-only': { type: 'boolean', default: false },
      user: { type: 'string', default: 'postgres' },
      database: { type: 'string', default: 'postgres' },
    },
  });
  const dataDir = values['data-dir'];
  if (values['init-only']) {
    if (!dataDir) throw new Error('--init-only needs --data-dir');
    await initialiseDataDir(dataDir);
    return;
  }
  // A fresh directory is initialised by a short-lived process (see initialiseInChildProcess).
  const script = process.argv[1];
  if (dataDir && script) {
    await initialiseInChildProcess(dataDir, script, ['--init-only', '--data-dir', dataDir]);
  }
  const server = await startPgliteServer({
    host: values.host,
    port: Number(values.port),
    dataDir,
    names: { user: values.user, database: values.database },
  });
  process.stdout.write(`pglite listening on ${server.url}\n`);
  reportListening({ postgres: server.port });
  // `kinema pg-dump`, through the launcher: pg_dump must run beside PGlite, in this process.
  process.on('message', (message: unknown) => {
    if (!isSupervisionMessage(message) || message.type !== 'kinema.dump-database') return;
    server.dump().then(
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
    // Closing flushes PGlite's data directory; skipping it can lose the last writes.
    await server.stop();
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
