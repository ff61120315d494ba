import type { PGlite } from '@electric-sql/pglite';
import {
  copiesFromStdin,
  copyFail,
  copyInResponse,
  errorResponse,
  messageType,
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
 */
export function sharedSession(db: PGlite): PGlite {
  let inSequence = false;
  let copy: PendingCopy | undefined;

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
