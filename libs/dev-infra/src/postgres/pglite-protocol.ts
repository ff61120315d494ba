/**
 * The few pieces of the PostgreSQL wire protocol (v3) the PGlite server needs to guard PGlite:
 * framing checks, the messages it answers itself, and spotting `COPY ... FROM STDIN`. Neither
 * PGlite nor @electric-sql/pglite-socket exposes these, and a full protocol library would be far
 * more than the handful of messages used here.
 */

/** Protocol 3.0 in a StartupMessage (which, unlike every other message, has no type byte). */
const PROTOCOL_3_0 = 196_608;

/**
 * Frontend message types PGlite handles without harm once a session has started: Query, Parse,
 * Bind, Describe, Execute, Close, Flush, Sync, Terminate, FunctionCall, and CopyData, CopyDone and
 * CopyFail (which it ignores outside a COPY). Anything else (an unknown type, a password message
 * after start-up) sends PGlite's backend into a loop it never leaves, so it never reaches PGlite.
 */
const FRONTEND_TYPES = new Set(['Q', 'P', 'B', 'D', 'E', 'C', 'H', 'S', 'X', 'F', 'd', 'c', 'f']);

export function messageType(message: Uint8Array): string {
  return String.fromCharCode(message[0] ?? 0);
}

export function isStartupMessage(message: Uint8Array): boolean {
  const view = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  return (
    view.length >= 8 && view.readInt32BE(0) === view.length && view.readInt32BE(4) === PROTOCOL_3_0
  );
}

/** Why this frontend message must not reach PGlite, or undefined when it may. */
export function protocolViolation(message: Uint8Array): string | undefined {
  if (isStartupMessage(message)) return undefined;
  const view = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  if (view.length < 5 || view.readInt32BE(1) !== view.length - 1) {
    return 'invalid message length';
  }
  const type = messageType(message);
  if (!FRONTEND_TYPES.has(type)) return `invalid frontend message type ${message[0] ?? 0}`;
  return undefined;
}

/** A frontend or backend message: type byte, length, body. */
export function wireMessage(type: string, body: Uint8Array = new Uint8Array()): Buffer {
  const message = Buffer.alloc(5 + body.length);
  message.write(type, 0, 'latin1');
  message.writeInt32BE(4 + body.length, 1);
  message.set(body, 5);
  return message;
}

const cString = (text: string): Buffer => Buffer.from(`${text}\0`, 'utf8');

/** ErrorResponse with severity, SQLSTATE and message, as PostgreSQL words them. */
export function errorResponse(severity: 'ERROR' | 'FATAL', code: string, text: string): Buffer {
  const fields = [
    ['S', severity],
    ['V', severity],
    ['C', code],
    ['M', text],
  ].map(([field, value]) => cString(`${field}${value}`));
  return wireMessage('E', Buffer.concat([...fields, Buffer.from([0])]));
}

/** CopyFail: ends a COPY FROM STDIN with an error instead of data. */
export function copyFail(reason: string): Buffer {
  return wireMessage('f', cString(reason));
}

/**
 * CopyInResponse in text format. The column count is not known before PGlite has run the
 * statement; clients read it as information only (libpq and psql do not use it for text COPY).
 */
export function copyInResponse(): Buffer {
  return wireMessage('G', Buffer.from([0, 0, 0]));
}

/** The SQL text of a simple Query message. */
export function queryText(message: Uint8Array): string {
  return Buffer.from(message.subarray(5)).toString('utf8').replace(/\0$/, '');
}

/** `output` without its first message of this type (messages are whole: PGlite answers whole). */
export function withoutFirst(output: Uint8Array, type: string): Uint8Array {
  const view = Buffer.from(output.buffer, output.byteOffset, output.byteLength);
  for (let offset = 0; offset + 5 <= view.length; offset += 1 + view.readInt32BE(offset + 1)) {
    if (messageType(view.subarray(offset)) === type) {
      const end = offset + 1 + view.readInt32BE(offset + 1);
      return Buffer.concat([view.subarray(0, offset), view.subarray(end)]);
    }
  }
  return output;
}

/** The request codes that stand in a StartupMessage's version field before a session starts. */
export const SSL_REQUEST = 80_877_103;
export const GSSENC_REQUEST = 80_877_104;
export const CANCEL_REQUEST = 80_877_102;

/** The length and code of an untyped start-up packet (StartupMessage, SSLRequest, ...). */
export function startupPacket(buffer: Buffer): { length: number; code: number } | undefined {
  if (buffer.length < 8) return undefined;
  return { length: buffer.readInt32BE(0), code: buffer.readInt32BE(4) };
}

/** A StartupMessage's parameters (user, database, application_name, options, ...). */
export function startupParameters(message: Uint8Array): Map<string, string> {
  const view = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  const fields = view.toString('utf8', 8).split('\0');
  const parameters = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length && fields[i] !== ''; i += 2) {
    parameters.set(fields[i] ?? '', fields[i + 1] ?? '');
  }
  return parameters;
}

/** A StartupMessage (protocol 3.0) with these parameters. */
export function startupMessage(parameters: Record<string, string>): Buffer {
  const body = Buffer.concat([
    ...Object.entries(parameters).map(([name, value]) => cString(`${name}\0${value}`)),
    Buffer.from([0]),
  ]);
  const message = Buffer.alloc(8 + body.length);
  message.writeInt32BE(message.length, 0);
  message.writeInt32BE(PROTOCOL_3_0, 4);
  body.copy(message, 8);
  return message;
}

const int32 = (value: number): Buffer => {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
};

export const AUTHENTICATION_OK = wireMessage('R', int32(0));

export function parameterStatus(name: string, value: string): Buffer {
  return wireMessage('S', Buffer.concat([cString(name), cString(value)]));
}

export function backendKeyData(processId: number, secret: number): Buffer {
  return wireMessage('K', Buffer.concat([int32(processId), int32(secret)]));
}

/** ReadyForQuery: `I` idle, `T` in a transaction, `E` in a failed one. */
export function readyForQuery(status: 'I' | 'T' | 'E'): Buffer {
  return wireMessage('Z', Buffer.from(status, 'latin1'));
}

export function commandComplete(tag: string): Buffer {
  return wireMessage('C', cString(tag));
}

/** The messages of a backend answer, whole (type and body). */
export function backendMessages(output: Uint8Array): Array<{ type: string; body: Buffer }> {
  const view = Buffer.from(output.buffer, output.byteOffset, output.byteLength);
  const found: Array<{ type: string; body: Buffer }> = [];
  for (let offset = 0; offset + 5 <= view.length; offset += 1 + view.readInt32BE(offset + 1)) {
    const end = offset + 1 + view.readInt32BE(offset + 1);
    found.push({ type: messageType(view.subarray(offset)), body: view.subarray(offset + 5, end) });
  }
  return found;
}

/**
 * The message with every statement and portal name it carries passed through `rename` (Parse,
 * Bind, Describe, Execute, Close); the unnamed ones (empty names) are left as they are. Other
 * messages come back unchanged.
 */
export function renameInMessage(message: Uint8Array, rename: (name: string) => string): Uint8Array {
  const type = messageType(message);
  const view = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  const cStringAt = (offset: number): { text: string; end: number } => {
    const end = view.indexOf(0, offset);
    return { text: view.toString('utf8', offset, end), end: end + 1 };
  };
  const renamed = (name: string): Buffer => cString(name === '' ? '' : rename(name));
  const rebuild = (parts: Buffer[]): Buffer => wireMessage(type, Buffer.concat(parts));
  switch (type) {
    case 'P': {
      const name = cStringAt(5);
      return rebuild([renamed(name.text), view.subarray(name.end)]);
    }
    case 'B': {
      const portal = cStringAt(5);
      const statement = cStringAt(portal.end);
      return rebuild([renamed(portal.text), renamed(statement.text), view.subarray(statement.end)]);
    }
    case 'E': {
      const portal = cStringAt(5);
      return rebuild([renamed(portal.text), view.subarray(portal.end)]);
    }
    case 'D':
    case 'C': {
      const name = cStringAt(6);
      return rebuild([view.subarray(5, 6), renamed(name.text), view.subarray(name.end)]);
    }
    default:
      return message;
  }
}

/** A simple Query message. */
export function queryMessage(sql: string): Buffer {
  return wireMessage('Q', cString(sql));
}

/** A Parse message's statement name, SQL text, and what follows (its parameter types). */
export function parseMessageParts(message: Uint8Array): {
  name: string;
  sql: string;
  rest: Buffer;
} {
  const view = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  const nameEnd = view.indexOf(0, 5);
  const sqlEnd = view.indexOf(0, nameEnd + 1);
  return {
    name: view.toString('utf8', 5, nameEnd),
    sql: view.toString('utf8', nameEnd + 1, sqlEnd),
    rest: view.subarray(sqlEnd + 1),
  };
}

/** A Parse message. */
export function parseMessage(name: string, sql: string, rest: Uint8Array): Buffer {
  return wireMessage('P', Buffer.concat([cString(name), cString(sql), rest]));
}
