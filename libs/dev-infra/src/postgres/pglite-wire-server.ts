import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import {
  AUTHENTICATION_OK,
  backendKeyData,
  backendMessages,
  CANCEL_REQUEST,
  errorResponse,
  GSSENC_REQUEST,
  isStartupMessage,
  messageType,
  parameterStatus,
  readyForQuery,
  SSL_REQUEST,
  startupMessage,
  startupPacket,
  startupParameters,
} from './pglite-protocol';
import type { PgliteSession, SessionClient } from './pglite-session';

/** The role and database a PGlite server serves unless told other names (PgliteNames). */
export const PGLITE_USER = 'postgres';
export const PGLITE_DATABASE = 'postgres';

/**
 * The one role a PGlite server lets in and the name of the one database it serves (PGlite opens
 * one database, as one role): a deployment's own names, such as the chart's `catalog` role and
 * database, can stand for them. Any other name is refused as PostgreSQL refuses an unknown one.
 */
export interface PgliteNames {
  user: string;
  database: string;
}

/** A start-up packet longer than this is refused, as PostgreSQL refuses one over 10,000 bytes. */
const MAX_STARTUP_PACKET = 10_000;
/** Queued messages of one client past which its socket is paused until they have run. */
const QUEUE_HIGH_WATER = 1_024;

/** Start-up parameters that are not settings. */
const NOT_SETTINGS = new Set(['user', 'database', 'options', 'replication']);

/** What the server knows of PGlite before the first client: its settings and how it greets. */
interface Greeting {
  /** ParameterStatus values PGlite reports at start-up, by name. */
  reported: Map<string, string>;
  /** Every setting's name (lower case) and its value at start (reset_val). */
  defaults: Map<string, string>;
}

async function greeting(db: PGlite): Promise<Greeting> {
  const reported = new Map<string, string>();
  await db.execProtocolRawStream(startupMessage({ user: PGLITE_USER, database: PGLITE_DATABASE }), {
    onRawData: (chunk) => {
      for (const { type, body } of backendMessages(chunk)) {
        if (type !== 'S') continue;
        const [name = '', value = ''] = body.toString('utf8').split('\0');
        reported.set(name, value);
      }
    },
  });
  const { rows } = await db.query<{ name: string; value: string }>(
    'SELECT lower(name) AS name, reset_val AS value FROM pg_settings',
  );
  return { reported, defaults: new Map(rows.map((row) => [row.name, row.value])) };
}

/** `-c name=value` and `--name=value` items of the `options` start-up parameter. */
function optionSettings(options: string): Array<[string, string]> {
  const words = options.match(/(?:\\.|\S)+/g) ?? [];
  const found: Array<[string, string]> = [];
  for (let i = 0; i < words.length; i++) {
    const word = (words[i] ?? '').replace(/\\(.)/g, '$1');
    const item =
      word === '-c' ? (words[++i] ?? '').replace(/\\(.)/g, '$1') : word.replace(/^--/, '');
    const at = item.indexOf('=');
    if (at > 0) found.push([item.slice(0, at).replace(/-/g, '_'), item.slice(at + 1)]);
  }
  return found;
}

/** Encodings as clients name them, folded to PostgreSQL's name for comparison. */
const sameValue = (name: string, a: string, b: string) =>
  name === 'client_encoding'
    ? a.replace(/[-_]/g, '').toUpperCase() === b.replace(/[-_]/g, '').toUpperCase()
    : a === b;

/**
 * PostgreSQL's wire protocol on a socket, in front of one PGlite database: the start-up handshake
 * (trust authentication for the one role and database, PostgreSQL's errors for others), then each
 * client's messages in order through the shared PgliteSession. Written here rather than taken from
 * @electric-sql/pglite-socket because that server passes every connection's messages, start-up
 * included, to PGlite's one session as they come, so one client's SET or PREPARE reached all.
 */
export class PgliteWireServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private clients = 0;
  private known: Greeting | undefined;

  constructor(
    private readonly db: PGlite,
    private readonly session: PgliteSession,
    private readonly maxConnections: number,
    private readonly names: PgliteNames = { user: PGLITE_USER, database: PGLITE_DATABASE },
  ) {
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Listens on host:port (0: a port the OS picks) and resolves with the port. */
  async listen(host: string, port: number): Promise<number> {
    this.known = await greeting(this.db);
    this.server.listen({ host, port });
    await once(this.server, 'listening');
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    if (this.server.listening) await new Promise((resolve) => this.server.close(resolve));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    let buffer: Buffer = Buffer.alloc(0);
    let client: SessionClient | undefined;
    const queue: Uint8Array[] = [];
    /** The messages running now, if any: a client's clean-up waits for them. */
    let pumping: Promise<void> | undefined;
    let gone = false;
    const fatal = (code: string, text: string) => {
      socket.end(errorResponse('FATAL', code, text));
      gone = true;
    };
    const leave = () => {
      if (gone && !client) return;
      gone = true;
      queue.length = 0;
      if (client) {
        this.clients--;
        const leaving = client;
        client = undefined;
        // After the message in flight, if any: its clean-up must not run beside it.
        void (pumping ?? Promise.resolve()).then(() => this.session.close(leaving));
      }
    };
    const drain = async () => {
      while (queue.length > 0 && client) {
        const message = queue.shift() as Uint8Array;
        if (messageType(message) === 'X') {
          socket.end();
          break;
        }
        await this.session.run(client, message);
        if (queue.length === 0) socket.resume();
      }
    };
    const pump = () => {
      pumping ??= drain().finally(() => {
        pumping = undefined;
        if (socket.writableEnded) leave();
        // Messages that arrived as the last one finished.
        else if (queue.length > 0) pump();
      });
    };
    const take = () => {
      while (!gone) {
        if (!client) {
          const packet = startupPacket(buffer);
          if (!packet) return;
          if (packet.length < 8 || packet.length > MAX_STARTUP_PACKET) {
            return fatal('08P01', 'invalid length of startup packet');
          }
          if (buffer.length < packet.length) return;
          const message = buffer.subarray(0, packet.length);
          buffer = buffer.subarray(packet.length);
          // No TLS or GSS here: the client goes on in plain text, or gives up, as it chooses.
          if (packet.code === SSL_REQUEST || packet.code === GSSENC_REQUEST) socket.write('N');
          else if (packet.code === CANCEL_REQUEST) return void socket.destroy();
          else if (!isStartupMessage(message)) {
            return fatal('0A000', 'unsupported frontend protocol: only 3.0 is served');
          } else {
            client = this.start(socket, startupParameters(message), fatal);
            if (!client) return;
          }
          continue;
        }
        if (buffer.length < 5) return;
        const length = 1 + buffer.readInt32BE(1);
        if (length < 5) return fatal('08P01', 'invalid message length');
        if (buffer.length < length) return;
        queue.push(Buffer.from(buffer.subarray(0, length)));
        buffer = buffer.subarray(length);
      }
    };
    socket.on('data', (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      take();
      if (queue.length > QUEUE_HIGH_WATER) socket.pause();
      pump();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      leave();
    });
  }

  /** The start-up handshake: a client of the session, or undefined when it was refused. */
  private start(
    socket: Socket,
    parameters: Map<string, string>,
    fatal: (code: string, text: string) => void,
  ): SessionClient | undefined {
    const known = this.known as Greeting;
    const user = parameters.get('user') ?? '';
    const database = parameters.get('database') || user;
    if (user !== this.names.user) {
      fatal(
        '28000',
        `role "${user}" does not exist (this PGlite server lets "${this.names.user}" in)`,
      );
      return undefined;
    }
    if (database !== this.names.database) {
      fatal(
        '3D000',
        `database "${database}" does not exist (this PGlite server serves "${this.names.database}")`,
      );
      return undefined;
    }
    if (this.clients >= this.maxConnections) {
      fatal('53300', 'sorry, too many clients already');
      return undefined;
    }
    const asked = [
      ...[...parameters].filter(([name]) => !NOT_SETTINGS.has(name) && !name.startsWith('_pq_.')),
      ...optionSettings(parameters.get('options') ?? ''),
    ];
    const unknown = asked.find(([name]) => !known.defaults.has(name.toLowerCase()));
    if (unknown) {
      fatal('42704', `unrecognized configuration parameter "${unknown[0]}"`);
      return undefined;
    }
    // Only what differs from the defaults is a setting to put in place for this client.
    const settings = asked.filter(
      ([name, value]) =>
        !sameValue(name.toLowerCase(), value, known.defaults.get(name.toLowerCase()) ?? ''),
    );
    this.clients++;
    const client = this.session.open(
      {
        write: (chunk) => {
          if (socket.writable) socket.write(chunk);
        },
        terminate: () => socket.end(),
      },
      settings,
    );
    const reported = new Map(known.reported);
    for (const [name, value] of settings) {
      const as = [...reported.keys()].find((key) => key.toLowerCase() === name.toLowerCase());
      if (as) reported.set(as, value);
    }
    socket.write(
      Buffer.concat([
        AUTHENTICATION_OK,
        ...[...reported].map(([name, value]) => parameterStatus(name, value)),
        backendKeyData(process.pid, Math.floor(Math.random() * 2 ** 31)),
        readyForQuery('I'),
      ]),
    );
    return client;
  }
}
