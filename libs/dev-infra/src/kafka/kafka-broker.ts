import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { BrokerIdentity } from './broker-identity.store';
import { BrokerContext, BrokerLogger } from './broker.context';
import { GroupCoordinator } from './group-coordinator.service';
import { serveConnection } from './kafka-connection.handler';
import { OffsetStore } from './offset.store';
import { SASL_MECHANISMS, SaslUserStore, type SaslSettings } from './sasl-mechanisms';
import { TopicStore } from './topic.store';

export interface KafkaBrokerOptions {
  /** Interface to bind and advertise; default 127.0.0.1. */
  host?: string;
  /** 0 = any free port; default 0. */
  port?: number;
  /** Directory that keeps topics, batches and committed offsets across restarts; omit for memory. */
  dataDir?: string;
  /** Create unknown topics on Metadata requests; default true. */
  autoCreateTopics?: boolean;
  /** Partitions for auto-created topics and CreateTopics asking for the default (-1); default 6. */
  defaultPartitions?: number;
  logger?: { info(msg: string): void; warn(msg: string): void };
  /** Serve TLS only, with this certificate (PEM); `ca` set also asks clients for certificates. */
  tls?: { cert: string | Buffer; key: string | Buffer; ca?: string | Buffer };
  /** Require SASL authentication (PLAIN, SCRAM-SHA-256/512) before any other request. */
  sasl?: SaslSettings;
}

export interface RunningKafkaBroker {
  host: string;
  port: number;
  /** "host:port" */
  address: string;
  stop(): Promise<void>;
}

const NODE_ID = 1;
const silentLogger: BrokerLogger = { info: () => undefined, warn: () => undefined };

function listen(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    });
  });
}

/**
 * Starts a single-node, Kafka-wire-compatible development broker (enough for kafkajs 2.2.4).
 * Resolves once it is listening; rejects (naming the port) when the port is taken.
 */
export async function startKafkaBroker(
  options: KafkaBrokerOptions = {},
): Promise<RunningKafkaBroker> {
  const host = options.host ?? '127.0.0.1';
  const defaultPartitions = options.defaultPartitions ?? 6;
  if (!Number.isInteger(defaultPartitions) || defaultPartitions < 1) {
    throw new Error(`defaultPartitions must be a positive integer, got ${defaultPartitions}`);
  }
  const logger = options.logger ?? silentLogger;
  const sasl = options.sasl === undefined ? null : saslUsers(options.sasl);
  const dataDir = options.dataDir === undefined ? null : path.resolve(options.dataDir);
  const topics = new TopicStore(dataDir);
  const offsets = new OffsetStore(dataDir);
  const settings = {
    nodeId: NODE_ID,
    host,
    port: 0,
    autoCreateTopics: options.autoCreateTopics ?? true,
    defaultPartitions,
  };
  const broker = new BrokerContext(
    settings,
    topics,
    new GroupCoordinator(offsets),
    new BrokerIdentity(dataDir),
    logger,
    sasl,
  );

  const sockets = new Set<net.Socket>();
  const serve = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.once('close', () => sockets.delete(socket));
    serveConnection(socket, broker);
  };
  const server = options.tls
    ? tlsServer(options.tls, serve, sockets, logger)
    : net.createServer(serve);

  const closeStores = (): void => {
    broker.groups.shutdown();
    topics.close();
    offsets.close();
  };

  try {
    settings.port = await listen(server, host, options.port ?? 0);
  } catch (error) {
    closeStores();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`kafka broker cannot listen on ${host}:${options.port ?? 0}: ${reason}`);
  }
  const security = [
    options.tls ? 'TLS' : null,
    sasl ? `SASL ${sasl.settings.mechanisms.join('/')}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  logger.info(
    `kafka broker listening on ${host}:${settings.port}${security ? ` (${security})` : ''}${dataDir === null ? '' : ` (data in ${dataDir})`}`,
  );

  let stopping: Promise<void> | null = null;
  return {
    host,
    port: settings.port,
    address: `${host}:${settings.port}`,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }).then(closeStores);
      return stopping;
    },
  };
}

function saslUsers(settings: SaslSettings): SaslUserStore {
  const unknown = settings.mechanisms.filter((name) => !SASL_MECHANISMS.includes(name));
  if (settings.mechanisms.length === 0 || unknown.length > 0) {
    throw new Error(
      `sasl.mechanisms must name some of ${SASL_MECHANISMS.join(', ')}, got ${JSON.stringify(settings.mechanisms)}`,
    );
  }
  if (Object.keys(settings.users).length === 0) throw new Error('sasl.users must name a user');
  return new SaslUserStore(settings);
}

/** A TLS listener: handshakes that fail are logged and dropped; the raw sockets close on stop. */
function tlsServer(
  options: NonNullable<KafkaBrokerOptions['tls']>,
  serve: (socket: net.Socket) => void,
  sockets: Set<net.Socket>,
  logger: BrokerLogger,
): tls.Server {
  const server = tls.createServer(
    {
      cert: options.cert,
      key: options.key,
      ...(options.ca ? { ca: options.ca, requestCert: true, rejectUnauthorized: true } : {}),
    },
    serve,
  );
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', (error, socket) =>
    logger.warn(`TLS handshake with ${socket.remoteAddress ?? '?'} failed: ${error.message}`),
  );
  return server;
}
