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

/** ParseComplete, PostgreSQL's answer to a Parse it accepted. */
export const PARSE_COMPLETE = wireMessage('1');

/**
 * The statement name of a Parse message and what it defines (its SQL text and parameter types,
 * as sent): two Parses with equal definitions prepare the same statement.
 */
export function parsedStatement(message: Uint8Array): { name: string; definition: Buffer } {
  const view = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  const end = view.indexOf(0, 5);
  return { name: view.toString('utf8', 5, end), definition: view.subarray(end + 1) };
}

/** The name of the prepared statement a Close message closes, or undefined for a portal. */
export function closedStatement(message: Uint8Array): string | undefined {
  const view = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  if (view[5] !== 'S'.charCodeAt(0)) return undefined;
  return view.toString('utf8', 6, view.indexOf(0, 6));
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

/**
 * Whether any statement of this SQL text is a `COPY ... FROM STDIN`. Comments, string literals,
 * quoted identifiers and dollar-quoted bodies are blanked first, so neither a function body nor a
 * literal mentioning COPY counts.
 */
export function copiesFromStdin(sql: string): boolean {
  const code = sql.replace(
    /--[^\n]*|\/\*[\s\S]*?\*\/|[eE]'(?:\\[\s\S]|[^'\\])*'|'(?:''|[^'])*'|"(?:""|[^"])*"|(\$[A-Za-z_]*\$)[\s\S]*?\1/g,
    ' ',
  );
  return code.split(';').some((statement) => /^\s*copy\b[\s\S]*\bfrom\s+stdin\b/i.test(statement));
}
