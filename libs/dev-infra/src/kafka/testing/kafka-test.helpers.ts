import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import { Kafka, KafkaConfig, logLevel } from 'kafkajs';
import { ProtocolWriter } from '../protocol-writer.codec';

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A kafkajs client tuned for tests: quiet, quick retries. */
export function testKafka(address: string, overrides: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: uniqueName('test'),
    brokers: [address],
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 50, maxRetryTime: 1000 },
    ...overrides,
  });
}

/** Consumer timings short enough that evictions and rebalances take a few seconds, not minutes. */
export const FAST_CONSUMER = {
  sessionTimeout: 2500,
  rebalanceTimeout: 5000,
  heartbeatInterval: 250,
  maxWaitTimeInMs: 200,
} as const;

export interface RawResponse {
  correlationId: number;
  body: Buffer;
}

/** A bare socket speaking Kafka framing, for requests kafkajs would never send. */
export interface RawConnection {
  request(apiKey: number, apiVersion: number, correlationId: number, body: Buffer): void;
  sendBytes(bytes: Buffer): void;
  nextResponse(): Promise<RawResponse>;
  /** Resolves when the broker closes the connection. */
  closed: Promise<void>;
  destroy(): void;
}

export function openRawConnection(port: number, host = '127.0.0.1'): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const responses: RawResponse[] = [];
    const waiters: ((response: RawResponse) => void)[] = [];
    let pending = Buffer.alloc(0);
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const size = pending.readInt32BE(0);
        const response = {
          correlationId: pending.readInt32BE(4),
          body: pending.subarray(8, 4 + size),
        };
        pending = pending.subarray(4 + size);
        const waiter = waiters.shift();
        if (waiter) waiter(response);
        else responses.push(response);
      }
    });
    socket.once('connect', () =>
      resolve({
        request(apiKey, apiVersion, correlationId, body) {
          const header = new ProtocolWriter()
            .int16(apiKey)
            .int16(apiVersion)
            .int32(correlationId)
            .string('raw-test');
          const payload = Buffer.concat([header.toBuffer(), body]);
          socket.write(
            Buffer.concat([new ProtocolWriter(4).int32(payload.length).toBuffer(), payload]),
          );
        },
        sendBytes(bytes) {
          socket.write(bytes);
        },
        nextResponse() {
          const ready = responses.shift();
          return ready ? Promise.resolve(ready) : new Promise((done) => waiters.push(done));
        },
        closed,
        destroy() {
          socket.destroy();
        },
      }),
    );
    socket.once('error', reject);
  });
}
