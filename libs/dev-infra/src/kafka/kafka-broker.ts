import * as net from 'node:net';
import * as path from 'node:path';
import { BrokerIdentity } from './broker-identity.store';
import { BrokerContext, BrokerLogger } from './broker.context';
import { GroupCoordinator } from './group-coordinator.service';
import { serveConnection } from './kafka-connection.handler';
import { OffsetStore } from './offset.store';
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
  );

  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.once('close', () => sockets.delete(socket));
    serveConnection(socket, broker);
  });

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
  logger.info(
    `kafka broker listening on ${host}:${settings.port}${dataDir === null ? '' : ` (data in ${dataDir})`}`,
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
