import { databaseListener, PGLITE_PROCESS, SERVICES_WITH_DATABASE } from './plan';
import type { RunningSystem } from './system';

/** How long a dump may take before the launcher gives up on the PGlite server's answer. */
const DUMP_TIMEOUT_MS = 120_000;

let nextDumpId = 1;

/**
 * A plain SQL dump of a service's embedded database (PGlite's pg_dump, run by the PGlite process,
 * which alone holds the database). A service on an external DATABASE_URL has no embedded
 * database: that server's own pg_dump is the tool there.
 */
export async function dumpDatabase(system: RunningSystem, service: string): Promise<string> {
  if (!SERVICES_WITH_DATABASE.includes(service)) {
    throw new Error(
      `no service "${service}" with a database; one of: ${SERVICES_WITH_DATABASE.join(', ')}`,
    );
  }
  const name = PGLITE_PROCESS;
  const listener = databaseListener(service);
  if (system.supervisor.get(name)?.spec.ports[listener] === undefined) {
    throw new Error(
      `${service} uses the PostgreSQL server in DATABASE_URL, not an embedded database: dump it with that server's pg_dump`,
    );
  }
  const id = nextDumpId++;
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${name} sent no dump of ${service} within ${DUMP_TIMEOUT_MS / 1000} s`));
    }, DUMP_TIMEOUT_MS);
    const stop = system.supervisor.onMessage((process, message) => {
      if (process.spec.name !== name || message.type !== 'kinema.database-dump') return;
      if (message.id !== id) return;
      clearTimeout(timer);
      stop();
      if (message.sql !== undefined) resolve(message.sql);
      else
        reject(
          new Error(
            `${name} could not dump ${service}'s database: ${message.error ?? 'no reason given'}`,
          ),
        );
    });
    if (!system.supervisor.send(name, { type: 'kinema.dump-database', id, listener })) {
      clearTimeout(timer);
      stop();
      reject(new Error(`${name} is not running`));
    }
  });
}
