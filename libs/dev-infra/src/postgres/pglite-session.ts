import type { PGlite } from '@electric-sql/pglite';
import {
  commandComplete,
  copyFail,
  copyInResponse,
  errorResponse,
  messageType,
  parseMessage,
  parseMessageParts,
  protocolViolation,
  queryMessage,
  queryText,
  readyForQuery,
  renameInMessage,
  wireMessage,
  withoutFirst,
} from './pglite-protocol';
import {
  copiesFromStdin,
  quoteIdentifier,
  renamePreparedStatements,
  sessionEffects,
  type SessionEffects,
} from './pglite-sql';

/** Data a `COPY ... FROM STDIN` may send through the PGlite server (it is held in memory). */
export const PGLITE_COPY_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * How long a client may sit in an open transaction (or an unfinished Parse/Bind/Execute sequence)
 * without sending anything while other clients wait for PGlite's one session. Past it the client
 * is disconnected as PostgreSQL's idle_in_transaction_session_timeout would (25P03), its
 * transaction rolled back, and the others go on: a psql left in BEGIN, or two connections of one
 * thread, never stall the services. Well under the gateway's deadline for a call (GRPC_DEADLINE_MS,
 * 5 s by default), so that a read waiting behind such a transaction is answered late, not failed:
 * at 5 s, the deadline too, it failed with 504 at the moment the waiting ended.
 */
export const PGLITE_IDLE_IN_TRANSACTION_LIMIT_MS = 2_000;

/**
 * A CopyFail sent to PGlite right behind every Query and Execute. PGlite cannot wait for COPY
 * data: a `COPY ... FROM STDIN` it meets with nothing left to read ends its session for good
 * (every later connection would hang). Behind a statement that is not a COPY, PostgreSQL ignores
 * a CopyFail; behind one the detection missed, it ends that COPY with a plain error.
 */
const NO_COPY_DATA = copyFail(
  'the PGlite server needs COPY FROM STDIN as its own statement: send it alone, then the data',
);

/** Frontend messages of an extended-protocol sequence: Parse, Bind, Describe, Execute, Close, Flush. */
const SEQUENCE_PART = new Set(['P', 'B', 'D', 'E', 'C', 'H']);

/** The SQL keyword for dropping a temporary relation, by pg_class.relkind. */
const DROP_KIND: Record<string, string> = {
  r: 'TABLE',
  p: 'TABLE',
  v: 'VIEW',
  m: 'MATERIALIZED VIEW',
  S: 'SEQUENCE',
  f: 'FOREIGN TABLE',
};

/** The connection behind a client, as the session needs it. */
export interface SessionPeer {
  /** Sends backend messages to the client. */
  write(chunk: Uint8Array): void;
  /** Ends the client's connection (after a FATAL error was written). */
  terminate(): void;
}

interface PendingCopy {
  query: Uint8Array;
  data: Uint8Array[];
  bytes: number;
}

/** One client's part of the session: what PostgreSQL would keep in its own backend. */
export interface SessionClient {
  readonly peer: SessionPeer;
  /** Prefix of the names its prepared statements and portals have in PGlite's one session. */
  readonly prefix: string;
  /** Its session settings (name, value), put in place whenever it takes the session. */
  settings: Array<[string, string]>;
  /** A statement that may change settings ran since `settings` was read. */
  settingsChanged: boolean;
  /** A statement that may create temporary objects ran in this turn. */
  madeTemporary: boolean;
  /** Its temporary relations: qualified name -> relkind. */
  temporaries: Map<string, string>;
  /** Its prepared statements, by the names PGlite knows them under. */
  statements: Set<string>;
  inSequence: boolean;
  copy: PendingCopy | undefined;
  busy: boolean;
  lastActivity: number;
  closed: boolean;
  /** Its clean-up, once begun (see PgliteSession.close). */
  closing?: Promise<void>;
}

/**
 * PGlite's single backend shared by many client connections, each kept apart as if it had a
 * backend of its own. PGlite runs one statement at a time in one session; PostgreSQL gives every
 * connection its own session. So:
 * - One client at a time holds the session, for a whole transaction and for a whole extended-
 *   protocol sequence (Parse ... Sync): statements of two clients never interleave inside either.
 *   A holder that leaves it idle while others wait is cut off after a bound (see
 *   PGLITE_IDLE_IN_TRANSACTION_LIMIT_MS), never a hang.
 * - Settings are per client: when the session passes to another client, the settings the last one
 *   made (pg_settings' `session` source) are read and kept with it, `RESET ALL` clears them, and the
 *   next client's are put back. Clients that never SET (the services) cost nothing.
 * - Prepared statements and portals, of the wire protocol or of SQL's PREPARE, are named per client
 *   (a prefix), so two clients may use one name, and `DEALLOCATE ALL`/`DISCARD ALL` reach only the
 *   client that sends them.
 * - What a client leaves (an open transaction, an unfinished sequence or COPY, statements,
 *   settings, temporary tables) is discarded when it disconnects.
 * - PGlite is kept from what would stop it for good: malformed messages are answered with a FATAL
 *   protocol error, and COPY FROM STDIN data is gathered here and handed over with its statement.
 * Temporary tables share PGlite's one temporary schema: a client sees another's while both live
 * (dropped with their owner); LISTEN and advisory locks are not kept apart.
 */
export class PgliteSession {
  private holder: SessionClient | undefined;
  private readonly waiters: Array<{ client: SessionClient; resume: () => void }> = [];
  /** The client whose settings the session holds (the last to run). */
  private current: SessionClient | undefined;
  /** The session holds settings other than the defaults. */
  private settingsInPlace = false;
  private nextId = 1;
  private readonly clients = new Set<SessionClient>();
  private readonly watchdog: NodeJS.Timeout;

  constructor(
    private readonly db: PGlite,
    private readonly idleInTransactionLimitMs = PGLITE_IDLE_IN_TRANSACTION_LIMIT_MS,
  ) {
    this.watchdog = setInterval(() => this.cutOffIdleHolder(), 250);
    this.watchdog.unref();
  }

  /** A new client with these settings (from its start-up parameters). */
  open(peer: SessionPeer, settings: Array<[string, string]>): SessionClient {
    const client: SessionClient = {
      peer,
      prefix: `k${this.nextId++}_`,
      settings,
      settingsChanged: false,
      madeTemporary: false,
      temporaries: new Map(),
      statements: new Set(),
      inSequence: false,
      copy: undefined,
      busy: false,
      lastActivity: Date.now(),
      closed: false,
    };
    this.clients.add(client);
    return client;
  }

  /** Runs one frontend message of a client, as its backend would. */
  async run(client: SessionClient, message: Uint8Array): Promise<void> {
    if (client.closed) return;
    await this.acquire(client);
    client.busy = true;
    try {
      if (!(await this.enter(client))) return;
      await this.execute(client, message);
    } finally {
      client.busy = false;
      client.lastActivity = Date.now();
    }
    await this.endTurnIfIdle(client);
  }

  /** Discards what a client that went away leaves in the session, then lets the others in. */
  close(client: SessionClient): Promise<void> {
    client.closed = true;
    client.closing ??= this.cleanUp(client);
    return client.closing;
  }

  private async cleanUp(client: SessionClient): Promise<void> {
    await this.acquire(client);
    try {
      client.copy = undefined;
      if (this.current === client) {
        if (client.inSequence) await this.send(wireMessage('S'));
        if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
      }
      client.inSequence = false;
      if (client.madeTemporary) await this.recordTemporaries(client);
      await this.forgetStatements(client);
      await this.dropTemporaries(client);
      if (this.current === client) {
        if (this.settingsInPlace) await this.db.exec('RESET ALL');
        this.settingsInPlace = false;
        this.current = undefined;
      }
    } catch {
      // A session that fails even this is past repair by one client's clean-up.
    } finally {
      this.clients.delete(client);
      this.release(client);
    }
  }

  /**
   * Runs `work` with the session to itself and no client's settings in place (as a fresh
   * connection would have it); what `work` leaves is undone after, as a server does when a
   * connection ends: a transaction still open is rolled back (pg_dump leaves its read-only one
   * open, and every client's write after a dump failed), and its settings are reset.
   */
  async exclusive<T>(work: (db: PGlite) => Promise<T>): Promise<T> {
    const client = this.open({ write: () => undefined, terminate: () => undefined }, []);
    await this.acquire(client);
    try {
      await this.enter(client);
      return await work(this.db);
    } finally {
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK').catch(() => undefined);
      await this.db.exec('RESET ALL').catch(() => undefined);
      this.settingsInPlace = false;
      this.current = undefined;
      client.closed = true;
      this.clients.delete(client);
      this.release(client);
    }
  }

  stop(): void {
    clearInterval(this.watchdog);
  }

  private async acquire(client: SessionClient): Promise<void> {
    if (this.holder === client) return;
    if (this.holder === undefined) {
      this.holder = client;
      return;
    }
    await new Promise<void>((resume) => this.waiters.push({ client, resume }));
  }

  private release(client: SessionClient): void {
    if (this.holder !== client) return;
    const next = this.waiters.shift();
    this.holder = next?.client;
    next?.resume();
  }

  private async endTurnIfIdle(client: SessionClient): Promise<void> {
    if (client.inSequence || client.copy || this.db.isInTransaction()) return;
    if (client.madeTemporary) await this.recordTemporaries(client);
    this.release(client);
  }

  /** Ends a holder's hold when it sits idle inside a transaction or sequence while others wait. */
  private cutOffIdleHolder(): void {
    const holder = this.holder;
    if (!holder || holder.busy || holder.closed || this.waiters.length === 0) return;
    const idleMs = Date.now() - holder.lastActivity;
    if (idleMs < this.idleInTransactionLimitMs) return;
    holder.peer.write(
      errorResponse(
        'FATAL',
        '25P03',
        `terminating connection due to idle-in-transaction timeout: the PGlite server runs one ` +
          `transaction at a time, and this one sat idle for ${Math.round(idleMs / 1000)} s while ` +
          `${this.waiters.length} other connection(s) waited`,
      ),
    );
    holder.peer.terminate();
    void this.close(holder);
  }

  /**
   * Gives the session to `client`: keeps the last client's settings with it and puts this one's in
   * place. False when its settings cannot be (a bad start-up parameter): it was cut off.
   */
  private async enter(client: SessionClient): Promise<boolean> {
    if (this.current === client) return true;
    const previous = this.current;
    if (previous && !previous.closed && previous.settingsChanged) {
      const saved = await this.db.query<{ name: string; setting: string }>(
        `SELECT name, setting FROM pg_settings WHERE source = 'session'`,
      );
      previous.settings = saved.rows.map((row) => [row.name, row.setting]);
      previous.settingsChanged = false;
    }
    if (this.settingsInPlace) await this.db.exec('RESET ALL');
    this.settingsInPlace = false;
    this.current = client;
    if (client.settings.length === 0) return true;
    try {
      await this.db.query(
        `SELECT set_config(name, setting, false) FROM unnest($1::text[], $2::text[]) AS s(name, setting)`,
        [client.settings.map(([name]) => name), client.settings.map(([, value]) => value)],
      );
      this.settingsInPlace = true;
      return true;
    } catch (error) {
      client.peer.write(errorResponse('FATAL', '22023', (error as Error).message));
      client.peer.terminate();
      client.settings = [];
      await this.db.exec('RESET ALL');
      this.current = undefined;
      await this.close(client);
      return false;
    }
  }

  private async execute(client: SessionClient, message: Uint8Array): Promise<void> {
    const violation = protocolViolation(message);
    if (violation) {
      client.peer.write(errorResponse('FATAL', '08P01', violation));
      client.peer.terminate();
      return;
    }
    const type = messageType(message);
    if (client.copy) {
      const pending = client.copy;
      if (type === 'd') {
        pending.bytes += message.length - 5;
        if (pending.bytes <= PGLITE_COPY_LIMIT_BYTES) pending.data.push(message);
        return;
      }
      // Flush and Sync mean nothing during COPY IN.
      if (type === 'H' || type === 'S') return;
      client.copy = undefined;
      if (type === 'c' || type === 'f') return this.finishCopy(client, pending, message);
      // Any other message ends the COPY with an error, then runs as usual.
      await this.finishCopy(
        client,
        pending,
        copyFail(`unexpected message type ${type} during COPY`),
      );
    }
    if (type === 'Q') return this.query(client, message);
    if (type === 'S') client.inSequence = false;
    else if (SEQUENCE_PART.has(type)) client.inSequence = true;
    let forwarded = renameInMessage(message, (name) => `${client.prefix}${name}`);
    if (type === 'P') forwarded = this.prepare(client, forwarded);
    if (type === 'C' && forwarded[5] === 'S'.charCodeAt(0)) {
      client.statements.delete(Buffer.from(forwarded.subarray(6, forwarded.length - 1)).toString());
    }
    const guarded = type === 'E' ? Buffer.concat([forwarded, NO_COPY_DATA]) : forwarded;
    await this.send(guarded, client.peer.write);
  }

  /** A Parse: its statement is the client's; SQL-level names in its text are made the client's. */
  private prepare(client: SessionClient, message: Uint8Array): Uint8Array {
    const { name, sql, rest } = parseMessageParts(message);
    if (name !== '') client.statements.add(name);
    const effects = sessionEffects(sql);
    this.note(client, effects);
    // Done for all clients by PGlite, these would reach every client's statements: the statement
    // is replaced by one that fails at once and says why.
    const text = effects.discard
      ? `SELECT FROM "send ${effects.discard} to the PGlite server as a simple query of its own"`
      : this.renameSql(client, sql);
    return text === sql ? message : parseMessage(name, text, rest);
  }

  private async query(client: SessionClient, message: Uint8Array): Promise<void> {
    const sql = queryText(message);
    if (copiesFromStdin(sql)) {
      client.copy = { query: message, data: [], bytes: 0 };
      client.peer.write(copyInResponse());
      return;
    }
    const effects = sessionEffects(sql);
    if (effects.discard) return this.discard(client, effects);
    this.note(client, effects);
    const text = this.renameSql(client, sql);
    const renamed = text === sql ? message : queryMessage(text);
    await this.send(Buffer.concat([renamed, NO_COPY_DATA]), client.peer.write);
  }

  private note(client: SessionClient, effects: SessionEffects): void {
    if (effects.settings) {
      client.settingsChanged = true;
      this.settingsInPlace = true;
    }
    if (effects.temporary) client.madeTemporary = true;
  }

  private renameSql(client: SessionClient, sql: string): string {
    const renamed = renamePreparedStatements(sql, client.prefix);
    for (const name of renamed.prepared) client.statements.add(name);
    for (const name of renamed.deallocated) client.statements.delete(name);
    return renamed.sql;
  }

  /** DISCARD ALL, DISCARD TEMP or DEALLOCATE ALL, for this client's session only. */
  private async discard(client: SessionClient, effects: SessionEffects): Promise<void> {
    const kind = effects.discard;
    const status = () => readyForQuery(this.db.isInTransaction() ? 'T' : 'I');
    if (effects.count > 1) {
      client.peer.write(
        errorResponse(
          'ERROR',
          '0A000',
          `the PGlite server runs ${kind} only as a statement of its own (it must reach this connection's session alone)`,
        ),
      );
      client.peer.write(status());
      return;
    }
    if (kind === 'DISCARD ALL' && this.db.isInTransaction()) {
      client.peer.write(
        errorResponse('ERROR', '25001', 'DISCARD ALL cannot run inside a transaction block'),
      );
      client.peer.write(status());
      return;
    }
    if (kind === 'DEALLOCATE ALL' || kind === 'DISCARD ALL') await this.forgetStatements(client);
    if (kind === 'DISCARD TEMP' || kind === 'DISCARD ALL') {
      await this.recordTemporaries(client);
      await this.dropTemporaries(client);
    }
    if (kind === 'DISCARD ALL') {
      await this.db.exec('RESET ALL; CLOSE ALL; UNLISTEN *; SELECT pg_advisory_unlock_all()');
      client.settings = [];
      client.settingsChanged = false;
      this.settingsInPlace = false;
    }
    client.peer.write(commandComplete(kind ?? ''));
    client.peer.write(status());
  }

  private async forgetStatements(client: SessionClient): Promise<void> {
    for (const name of client.statements) {
      await this.db.exec(`DEALLOCATE ${quoteIdentifier(name)}`).catch(() => undefined);
    }
    client.statements.clear();
  }

  /** Credits the temporary relations no other client owns to `client`. */
  private async recordTemporaries(client: SessionClient): Promise<void> {
    client.madeTemporary = false;
    const { rows } = await this.db.query<{ name: string; kind: string }>(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name, c.relkind AS kind
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.oid = pg_my_temp_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')`,
    );
    const owned = new Set<string>();
    for (const other of this.clients) {
      if (other !== client) for (const name of other.temporaries.keys()) owned.add(name);
    }
    for (const row of rows) if (!owned.has(row.name)) client.temporaries.set(row.name, row.kind);
  }

  private async dropTemporaries(client: SessionClient): Promise<void> {
    for (const [name, kind] of client.temporaries) {
      const what = DROP_KIND[kind] ?? 'TABLE';
      await this.db.exec(`DROP ${what} IF EXISTS ${name} CASCADE`).catch(() => undefined);
    }
    client.temporaries.clear();
  }

  /** Sends frontend bytes to PGlite; its answer (views of its memory) goes to `onData`, copied. */
  private async send(message: Uint8Array, onData: (chunk: Uint8Array) => void = () => undefined) {
    try {
      await this.db.execProtocolRawStream(message, {
        onRawData: (chunk) => onData(Buffer.from(chunk)),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      onData(errorResponse('ERROR', 'XX000', `PGlite failed: ${reason}`));
    }
  }

  /** Runs the gathered COPY (or fails it) and answers as PostgreSQL would after CopyDone. */
  private async finishCopy(client: SessionClient, pending: PendingCopy, end: Uint8Array) {
    const tooLarge = pending.bytes > PGLITE_COPY_LIMIT_BYTES;
    const batch = tooLarge
      ? [
          pending.query,
          copyFail(`COPY data over ${PGLITE_COPY_LIMIT_BYTES} bytes; load it in parts`),
        ]
      : [pending.query, ...pending.data, end];
    const chunks: Uint8Array[] = [];
    await this.send(Buffer.concat(batch), (chunk) => chunks.push(chunk));
    // The client already had its CopyInResponse.
    client.peer.write(withoutFirst(Buffer.concat(chunks), 'G'));
  }
}
