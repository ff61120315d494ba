import type { PGlite } from '@electric-sql/pglite';

type ExecStream = PGlite['execProtocolRawStream'];

/** Frontend messages that end an extended-protocol sequence (Sync) or stand alone (Query). */
const SEQUENCE_END = new Set(['S', 'Q']);
/** Frontend messages of an extended-protocol sequence: Parse, Bind, Describe, Execute, Close, Flush. */
const SEQUENCE_PART = new Set(['P', 'B', 'D', 'E', 'C', 'H']);
const COPY_FROM_STDIN = /^\s*copy\b[\s\S]*\bfrom\s+stdin\b/i;

/**
 * PGlite as @electric-sql/pglite-socket's server sees it, with two fixes for several connections
 * sharing the one session:
 * - The socket server queues single messages and keeps the session to one connection only while
 *   a transaction is open, so the Parse/Bind/Execute/Sync of two connections could interleave
 *   outside transactions (`unnamed prepared statement does not exist`, seen with two replicas).
 *   Reporting a connection's unfinished sequence as "in a transaction" makes the server keep the
 *   session to that connection until its Sync, which is the unit the protocol needs.
 * - `COPY ... FROM STDIN` needs data PGlite cannot wait for, and its failure leaves the session
 *   unusable for everyone; it is refused with a PostgreSQL error instead (feature_not_supported).
 */
export function sharedSession(db: PGlite): PGlite {
  let inSequence = false;
  const exec: ExecStream = async (message, options) => {
    const type = String.fromCharCode(message[0] ?? 0);
    if (type === 'Q' && COPY_FROM_STDIN.test(queryText(message))) {
      options?.onRawData?.(refusal(db.isInTransaction()));
      return;
    }
    if (SEQUENCE_PART.has(type)) inSequence = true;
    else if (SEQUENCE_END.has(type)) inSequence = false;
    await db.execProtocolRawStream(message, options);
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === 'execProtocolRawStream') return exec;
      if (property === 'isInTransaction') return () => inSequence || target.isInTransaction();
      // The server rolls back for a connection that left mid-transaction: its sequence is over too.
      if (property === 'exec') {
        return (query: string) => {
          inSequence = false;
          return target.exec(query);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function'
        ? (value as (...args: unknown[]) => unknown).bind(target)
        : value;
    },
  });
}

function queryText(message: Uint8Array): string {
  return Buffer.from(message.subarray(5)).toString('utf8').replace(/\0$/, '');
}

/** ErrorResponse (0A000) then ReadyForQuery, as PostgreSQL answers a refused simple query. */
function refusal(inTransaction: boolean): Uint8Array {
  const fields = [
    ['S', 'ERROR'],
    ['V', 'ERROR'],
    ['C', '0A000'],
    [
      'M',
      'COPY FROM STDIN is not supported by the PGlite server; use INSERT, or a PostgreSQL server (DATABASE_URL)',
    ],
  ]
    .map(([code, text]) => `${code}${text}\0`)
    .join('');
  const body = Buffer.from(`${fields}\0`, 'utf8');
  const error = Buffer.alloc(5 + body.length);
  error.write('E', 0, 'latin1');
  error.writeInt32BE(4 + body.length, 1);
  body.copy(error, 5);
  const ready = Buffer.from([0x5a, 0, 0, 0, 5, (inTransaction ? 'T' : 'I').charCodeAt(0)]);
  return Buffer.concat([error, ready]);
}
