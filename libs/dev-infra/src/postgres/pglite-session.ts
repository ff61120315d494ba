import type { PGlite } from '@electric-sql/pglite';
import {
  closedStatement,
  copiesFromStdin,
  copyFail,
  copyInResponse,
  errorResponse,
  messageType,
  PARSE_COMPLETE,
  parsedStatement,
  protocolViolation,
  queryText,
  wireMessage,
  withoutFirst,
} from './pglite-protocol';

type ExecStream = PGlite['execProtocolRawStream'];
type ExecOptions = Parameters<ExecStream>[1];

/** Frontend messages that end an extended-protocol sequence (Sync) or stand alone (Query). */
const SEQUENCE_END = new Set(['S', 'Q']);
/** Frontend messages of an extended-protocol sequence: Parse, Bind, Describe, Execute, Close, Flush. */
const SEQUENCE_PART = new Set(['P', 'B', 'D', 'E', 'C', 'H']);

/** Data a `COPY ... FROM STDIN` may send through the PGlite server (it is held in memory). */
export const PGLITE_COPY_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * A CopyFail sent to PGlite right behind every Query and Execute. PGlite cannot wait for COPY
 * data: a `COPY ... FROM STDIN` it meets with nothing left to read ends its session for good
 * (every later connection would hang). Behind a statement that is not a COPY, PostgreSQL ignores
 * a CopyFail; behind one the detection below missed, it ends that COPY with a plain error.
 */
const NO_COPY_DATA = copyFail(
  'the PGlite server needs COPY FROM STDIN as its own statement: send it alone, then the data',
);

interface PendingCopy {
  query: Uint8Array;
  data: Uint8Array[];
  bytes: number;
}

/**
 * PGlite as @electric-sql/pglite-socket's server sees it, made safe for several connections and
 * for any client:
 * - The socket server queues single messages and keeps the session to one connection only while
 *   a transaction is open, so the Parse/Bind/Execute/Sync of two connections could interleave
 *   outside transactions (`unnamed prepared statement does not exist`, seen with two replicas).
 *   Reporting a connection's unfinished sequence (or COPY) as "in a transaction" makes the server
 *   keep the session to that connection until its Sync, which is the unit the protocol needs.
 * - A message PGlite would choke on (bad length, unknown type) is answered with a FATAL protocol
 *   error and never reaches PGlite.
 * - `COPY ... FROM STDIN`: PGlite reads COPY data only from the buffer that carries the statement,
 *   so the data is gathered here (answering CopyInResponse at once) and handed over with the
 *   statement when the client sends CopyDone.
 * - Named prepared statements live in the one session every connection shares, where a second
 *   connection's Parse of a name would fail (`prepared statement ... already exists`). A Parse of
 *   a name the session already holds with the same text and parameter types is answered
 *   ParseComplete here: that connection gets the statement it asked for. Clients that name
 *   statements by their text (as the services do) can therefore prepare them on every
 *   connection, as on PostgreSQL. What stays shared: a Close or DEALLOCATE by one connection
 *   removes the statement for all, and a name reused for another text still fails.
 */
export function sharedSession(db: PGlite): PGlite {
  let inSequence = false;
  let copy: PendingCopy | undefined;
  /** Named statements the session holds: name -> definition (see parsedStatement). */
  const prepared = new Map<string, Buffer>();

  const run: ExecStream = async (message, options) => {
    try {
      await db.execProtocolRawStream(message, options);
    } catch (error) {
      // The socket server's queue stops for good if this throws: answer the client instead.
      const reason = error instanceof Error ? error.message : String(error);
      options?.onRawData?.(errorResponse('ERROR', 'XX000', `PGlite failed: ${reason}`));
    }
  };

  /** Runs the gathered COPY (or fails it) and answers as PostgreSQL would after CopyDone. */
  const finishCopy = async (pending: PendingCopy, end: Uint8Array, options: ExecOptions) => {
    const tooLarge = pending.bytes > PGLITE_COPY_LIMIT_BYTES;
    const batch = tooLarge
      ? [
          pending.query,
          copyFail(`COPY data over ${PGLITE_COPY_LIMIT_BYTES} bytes; load it in parts`),
        ]
      : [pending.query, ...pending.data, end];
    const chunks: Uint8Array[] = [];
    // Each chunk is a view of PGlite's memory, reused for the next one: keep copies.
    await run(Buffer.concat(batch), { onRawData: (chunk) => chunks.push(Buffer.from(chunk)) });
    // The client already had its CopyInResponse.
    options?.onRawData?.(withoutFirst(Buffer.concat(chunks), 'G'));
  };

  const parse: ExecStream = async (message, options) => {
    const { name, definition } = parsedStatement(message);
    // Only as the first message of a sequence: after an error PostgreSQL ignores the messages up
    // to Sync, and so must the answer.
    const opensSequence = !inSequence;
    inSequence = true;
    if (name !== '' && opensSequence && prepared.get(name)?.equals(definition)) {
      options?.onRawData?.(PARSE_COMPLETE);
      return;
    }
    let accepted = false;
    await run(message, {
      ...options,
      onRawData: (chunk) => {
        accepted ||= chunk[0] === PARSE_COMPLETE[0];
        options?.onRawData?.(chunk);
      },
    });
    if (name !== '' && accepted) prepared.set(name, Buffer.from(definition));
  };

  const exec: ExecStream = async (message, options) => {
    const violation = protocolViolation(message);
    if (violation) {
      options?.onRawData?.(errorResponse('FATAL', '08P01', violation));
      return;
    }
    const type = messageType(message);
    if (copy) {
      const pending = copy;
      if (type === 'd') {
        pending.bytes += message.length - 5;
        if (pending.bytes <= PGLITE_COPY_LIMIT_BYTES) pending.data.push(message);
        return;
      }
      // Flush and Sync mean nothing during COPY IN.
      if (type === 'H' || type === 'S') return;
      copy = undefined;
      if (type === 'c' || type === 'f') return finishCopy(pending, message, options);
      // Any other message ends the COPY with an error, then runs as usual.
      await finishCopy(pending, copyFail(`unexpected message type ${type} during COPY`), options);
    }
    if (type === 'Q' && copiesFromStdin(queryText(message))) {
      copy = { query: message, data: [], bytes: 0 };
      options?.onRawData?.(copyInResponse());
      return;
    }
    if (type === 'P') return parse(message, options);
    if (type === 'C') {
      const name = closedStatement(message);
      if (name !== undefined) prepared.delete(name);
    }
    if (type === 'Q' && /\b(deallocate|discard)\b/i.test(queryText(message))) prepared.clear();
    if (SEQUENCE_PART.has(type)) inSequence = true;
    else if (SEQUENCE_END.has(type)) inSequence = false;
    const guarded = type === 'Q' || type === 'E' ? Buffer.concat([message, NO_COPY_DATA]) : message;
    await run(guarded, options);
  };

  return new Proxy(db, {
    get(target, property) {
      if (property === 'execProtocolRawStream') return exec;
      if (property === 'isInTransaction') {
        return () => inSequence || copy !== undefined || target.isInTransaction();
      }
      // The server rolls back for a connection that left mid-transaction. Its sequence (or COPY)
      // is over too; a Sync first ends the error state an unfinished sequence may have left.
      if (property === 'exec') {
        return async (query: string) => {
          copy = undefined;
          if (inSequence) {
            inSequence = false;
            await run(wireMessage('S'), { onRawData: () => undefined });
          }
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
