import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Duplex } from 'node:stream';
import { Counter, Gauge } from 'prom-client';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import { httpForGrpcStatus, isServiceError } from '@kinema/platform/errors';
import { HttpException } from '@nestjs/common';
import { SERVED_BY_METADATA } from '@kinema/contracts';
import type { NotificationMaturity } from './event-notifications';
import {
  parseClientMessage,
  type ClientMessage,
  type Notification,
  type ServerMessage,
  type SessionEndedMessage,
} from './notifications';

export interface RealtimeOptions {
  path: string;
  /** A client whose unsent data exceeds this is disconnected (code 1013), never buffered further. */
  maxBufferedBytes: number;
  /** Ping period; a client that has not answered the previous ping is dropped. */
  pingIntervalMs: number;
  maxPayloadBytes: number;
  /**
   * Resolves the caller of a token to the profile it may follow, `SESSION_ENDED` when the token's
   * session has ended, or null when refused otherwise; throws when it cannot tell (the users
   * service is down), which the client hears as UNAVAILABLE.
   */
  authenticate: (
    token: string,
    profileId: string,
  ) => Promise<SocketIdentity | typeof SESSION_ENDED | null>;
  /** Whether a session is known to have ended; checked as a socket is bound to it. */
  sessionEnded: (sessionId: string) => boolean;
  /** `auth` messages one socket may send per minute; past them it is told so and closed. */
  maxAuthPerMinute: number;
  /** Named in the handshake's `x-served-by`, as on HTTP answers: which replica holds the socket. */
  servedBy?: string;
}

/** What authenticate answers for a token whose session has ended. */
export const SESSION_ENDED = 'session-ended';

/** Who a socket signed in as; `maturityCeiling` is the profile's rank limit (none: undefined). */
export interface SocketIdentity {
  profileId: string;
  sessionId: string;
  maturityCeiling?: number;
  /** The account is an admin (the role the users service holds now): it hears of drafts too. */
  admin?: boolean;
}

/**
 * Whether a failed sign-in check means "cannot tell" (a service down or too slow: the client
 * should retry) rather than "refused" (4xx: a bad token, someone else's profile).
 */
function isOutage(error: unknown): boolean {
  if (error instanceof HttpException) return error.getStatus() >= 500;
  if (isServiceError(error)) return httpForGrpcStatus(error.code).status >= 500;
  return true;
}

/** WebSocket close code for a client that broke the endpoint's rules (RFC 6455). */
const POLICY_VIOLATION = 1008;

interface Client {
  id: string;
  socket: WebSocket;
  alive: boolean;
  profileId: string | null;
  /** The session the socket signed in with; its end makes the socket anonymous again. */
  sessionId: string | null;
  /** The profile's maturity ceiling (rank); titles above it are never mentioned to it. */
  maturityCeiling: number | undefined;
  /** Signed in as an admin's profile: draft titles' changes reach it. */
  admin: boolean;
  /** When each `auth` message of the last minute arrived. */
  authAttempts: number[];
}

/** The hub's own spans: WebSocket messages are no HTTP request any instrumentation sees. */
const REALTIME_TRACER = trace.getTracer('@kinema/gateway/realtime');

const connections = new Gauge({
  name: 'gateway_ws_connections',
  help: 'Open WebSocket connections on /ws.',
});
const dropped = new Counter({
  name: 'gateway_ws_dropped_total',
  help: 'WebSocket clients disconnected by the server, by reason.',
  labelNames: ['reason'] as const,
});

/**
 * The `/ws` endpoint, on `ws` directly rather than NestJS's WsAdapter: that adapter only routes
 * `{event, data}` frames and silently drops anything else, while this endpoint must answer a
 * malformed frame with an error message, bound each client's send buffer and run a heartbeat.
 */
export class RealtimeHub {
  private readonly server: WebSocketServer;
  private readonly clients = new Set<Client>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly options: RealtimeOptions,
    private readonly logger: Logger,
  ) {
    this.server = new WebSocketServer({ noServer: true, maxPayload: options.maxPayloadBytes });
    const { servedBy } = options;
    if (servedBy !== undefined)
      this.server.on('headers', (headers) => headers.push(`${SERVED_BY_METADATA}: ${servedBy}`));
    this.heartbeat = setInterval(() => this.beat(), options.pingIntervalMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Takes over HTTP upgrades on the configured path; other upgrade requests are refused. */
  attach(http: Server): void {
    http.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      if (path !== this.options.path) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
        return;
      }
      this.server.handleUpgrade(request, socket, head, (ws) => this.accept(ws));
    });
  }

  /** Every connected client whose profile's ceiling admits a title of this maturity. */
  broadcast(notification: Notification, maturity: NotificationMaturity = 'unknown'): void {
    this.fanOut(notification, 'everyone', (client) => admits(client.maturityCeiling, maturity));
  }

  /** Clients signed in as an admin whose profile's ceiling admits a title of this maturity. */
  toAdmins(notification: Notification, maturity: NotificationMaturity): void {
    this.fanOut(
      notification,
      'admins',
      (client) => client.admin && admits(client.maturityCeiling, maturity),
    );
  }

  /** Clients signed in to this profile. */
  toProfile(profileId: string, notification: Notification): void {
    this.fanOut(notification, 'profile', (client) => client.profileId === profileId);
  }

  /** Sends one notification to the clients chosen, in a span that says how many got it. */
  private fanOut(
    notification: Notification,
    audience: 'everyone' | 'admins' | 'profile',
    chosen: (client: Client) => boolean,
  ): void {
    const span = REALTIME_TRACER.startSpan('ws fan-out', {
      attributes: { 'kinema.ws.message_type': notification.type, 'kinema.ws.audience': audience },
    });
    const frame = JSON.stringify(notification);
    let delivered = 0;
    for (const client of this.clients) if (chosen(client) && this.send(client, frame)) delivered++;
    span.setAttribute('kinema.ws.recipients', delivered);
    span.end();
  }

  /**
   * Signs out every socket bound to one of these sessions: it is told why (`session.ended`) and
   * stays open as an anonymous socket, so it gets no more profile events.
   */
  endSessions(sessionIds: readonly string[], notice: Omit<SessionEndedMessage, 'type'>): number {
    const ended = new Set(sessionIds);
    let signedOut = 0;
    for (const client of this.clients) {
      if (client.sessionId === null || !ended.has(client.sessionId)) continue;
      client.sessionId = null;
      client.profileId = null;
      client.maturityCeiling = undefined;
      client.admin = false;
      signedOut += 1;
      this.reply(client, { type: 'session.ended', ...notice });
    }
    return signedOut;
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const client of this.clients) client.socket.close(1001, 'server shutting down');
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: WebSocket): void {
    const client: Client = {
      id: randomUUID(),
      socket,
      alive: true,
      profileId: null,
      sessionId: null,
      maturityCeiling: undefined,
      admin: false,
      authAttempts: [],
    };
    this.clients.add(client);
    connections.inc();
    socket.on('pong', () => (client.alive = true));
    socket.on(
      'message',
      (data, isBinary) => void this.onMessage(client, isBinary ? undefined : data.toString()),
    );
    socket.on('error', (error) =>
      this.logger.debug({ err: error.message, connection: client.id }, 'ws: socket error'),
    );
    socket.on('close', () => this.forget(client));
    this.reply(client, {
      type: 'welcome',
      connectionId: client.id,
      signedIn: false,
      profileId: null,
    });
  }

  private async onMessage(client: Client, raw: string | undefined): Promise<void> {
    const message =
      raw === undefined
        ? { bad: 'a binary frame: each message is JSON text' }
        : parseClientMessage(raw);
    if ('bad' in message) {
      this.reply(client, { type: 'error', code: 'BAD_MESSAGE', message: message.bad });
      return;
    }
    if ('unknownType' in message) {
      this.reply(client, {
        type: 'error',
        code: 'UNKNOWN_TYPE',
        message: `unknown message type "${message.unknownType}"`,
      });
      return;
    }
    if (message.type === 'ping') {
      this.reply(client, { type: 'pong' });
      return;
    }
    const now = Date.now();
    client.authAttempts = client.authAttempts.filter((at) => now - at < 60_000);
    client.authAttempts.push(now);
    if (client.authAttempts.length > this.options.maxAuthPerMinute) {
      // Each attempt costs a token check and a users call: a socket may not guess for ever.
      dropped.inc({ reason: 'auth-rate' });
      this.reply(client, {
        type: 'error',
        code: 'RATE_LIMITED',
        message: `more than ${this.options.maxAuthPerMinute} auth messages in a minute`,
      });
      this.forget(client);
      client.socket.close(POLICY_VIOLATION, 'too many auth messages');
      return;
    }
    await REALTIME_TRACER.startActiveSpan('ws auth', { kind: SpanKind.SERVER }, (span) =>
      this.signIn(client, message).then(
        (outcome) => span.setAttribute('kinema.ws.auth', outcome).end(),
        (error: unknown) => {
          span.recordException(error instanceof Error ? error : String(error));
          span.setStatus({ code: SpanStatusCode.ERROR }).end();
        },
      ),
    );
  }

  /** Checks an `auth` message's token and profile and binds the socket to them; says how it went. */
  private async signIn(
    client: Client,
    message: Extract<ClientMessage, { type: 'auth' }>,
  ): Promise<'signed-in' | 'refused' | 'ended' | 'unavailable'> {
    let identity: SocketIdentity | typeof SESSION_ENDED | null;
    try {
      identity = await this.options.authenticate(message.token, message.profileId);
    } catch (error) {
      if (!isOutage(error)) {
        identity = null;
      } else {
        this.logger.warn({ err: String(error) }, 'ws: sign-in could not be checked');
        this.reply(client, {
          type: 'error',
          code: 'UNAVAILABLE',
          message: 'signing in cannot be checked right now; try again shortly',
        });
        return 'unavailable';
      }
    }
    // The session may have been announced ended while the check was in flight: the announcement
    // went to the sockets bound to it then, so this one is told here.
    if (identity && identity !== SESSION_ENDED && this.options.sessionEnded(identity.sessionId))
      identity = SESSION_ENDED;
    if (identity === SESSION_ENDED) {
      this.reply(client, {
        type: 'error',
        code: 'SESSION_ENDED',
        message: "the token's session has ended",
      });
      return 'ended';
    }
    if (!identity) {
      this.reply(client, {
        type: 'error',
        code: 'UNAUTHENTICATED',
        message: 'the token or profile was refused',
      });
      return 'refused';
    }
    client.profileId = identity.profileId;
    client.sessionId = identity.sessionId;
    client.maturityCeiling = identity.maturityCeiling;
    client.admin = identity.admin === true;
    this.reply(client, {
      type: 'welcome',
      connectionId: client.id,
      signedIn: true,
      profileId: identity.profileId,
    });
    return 'signed-in';
  }

  private reply(client: Client, message: ServerMessage): void {
    this.send(client, JSON.stringify(message));
  }

  /** Queues a frame for a client; false when it was closed or dropped for not reading. */
  private send(client: Client, frame: string): boolean {
    if (client.socket.readyState !== WebSocket.OPEN) return false;
    if (client.socket.bufferedAmount + frame.length > this.options.maxBufferedBytes) {
      // A client that does not read must not make the gateway hold its backlog.
      dropped.inc({ reason: 'slow' });
      this.forget(client);
      client.socket.terminate();
      return false;
    }
    client.socket.send(frame);
    return true;
  }

  private forget(client: Client): void {
    if (this.clients.delete(client)) connections.dec();
  }

  private beat(): void {
    for (const client of this.clients) {
      if (!client.alive) {
        dropped.inc({ reason: 'no-pong' });
        this.forget(client);
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }
}

/** Whether a socket with this ceiling may hear of a title of this maturity (as HTTP reads do). */
function admits(ceiling: number | undefined, maturity: NotificationMaturity): boolean {
  if (ceiling === undefined) return true;
  return maturity !== 'unknown' && maturity <= ceiling;
}
