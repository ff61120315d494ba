import { Admin } from 'kafkajs';
import * as tls from 'node:tls';
import { createTestCertificates, type TestCertificates } from '../testing/test-certificates';
import { RunningKafkaBroker, startKafkaBroker } from './kafka-broker';
import { authenticationFailedMessage } from './sasl-mechanisms';
import {
  ClientSecurity,
  ClientUnderTest,
  ConformanceMessage,
} from './testing/conformance/conformance-client.types';
import { kafkajsClient, kafkajsSecurity } from './testing/conformance/kafkajs.client';
import { kcatClient } from './testing/conformance/kcat.client';
import { platformaticClient } from './testing/conformance/platformatic.client';
import { testKafka, uniqueName } from './testing/kafka-test.helpers';
import { waitFor } from '../testing/wait-for';

const USER = 'kinema';
const PASSWORD = 'kinema-broker-secret';
const PARTITIONS = 3;

/** An error's message with the nested ones (kcat's stderr, wrapped causes, aggregated errors). */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const nested = error as Error & {
    errors?: unknown[];
    originalError?: unknown;
    serverErrorMessage?: string | null;
  };
  const cause = nested.originalError ?? error.cause;
  return [
    `${error.name}: ${error.message}`,
    nested.serverErrorMessage ?? '',
    ...(nested.errors ?? []).map(errorText),
    cause === undefined ? '' : errorText(cause),
  ]
    .filter(Boolean)
    .join(' | ');
}

async function failureOf(action: () => Promise<unknown>): Promise<string> {
  try {
    await action();
  } catch (error) {
    return errorText(error);
  }
  throw new Error('expected the broker to refuse');
}

const messages: ConformanceMessage[] = Array.from({ length: 12 }, (_, i) => ({
  key: `key-${i}`,
  value: `secured-${i}`,
  headers: { origin: 'security' },
}));

describe('kafka broker over TLS with SASL: the clients authenticate as against Kafka', () => {
  let certificates: TestCertificates;
  let broker: RunningKafkaBroker;
  let observer: Admin;
  const warnings: string[] = [];
  const security = (
    mechanism: ClientSecurity['mechanism'],
    password = PASSWORD,
  ): ClientSecurity => ({
    caFile: certificates.caFile,
    ca: certificates.ca,
    mechanism,
    username: USER,
    password,
  });

  beforeAll(async () => {
    certificates = createTestCertificates();
    broker = await startKafkaBroker({
      port: 0,
      defaultPartitions: PARTITIONS,
      tls: { cert: certificates.serverCert, key: certificates.serverKey },
      sasl: {
        mechanisms: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'],
        users: { [USER]: PASSWORD },
      },
      logger: { info: () => undefined, warn: (message) => warnings.push(message) },
    });
    observer = testKafka(broker.address, kafkajsSecurity(security('SCRAM-SHA-512'))).admin();
    await observer.connect();
  });

  afterAll(async () => {
    await observer?.disconnect();
    await broker?.stop();
    certificates?.remove();
  });

  const cases: [ClientUnderTest, ClientSecurity['mechanism']][] = [
    [kcatClient, 'SCRAM-SHA-256'],
    [kcatClient, 'SCRAM-SHA-512'],
    [kafkajsClient, 'SCRAM-SHA-256'],
    [kafkajsClient, 'SCRAM-SHA-512'],
    [kafkajsClient, 'PLAIN'],
    [platformaticClient, 'SCRAM-SHA-512'],
  ];

  describe.each(cases.map(([client, mechanism]) => [client.name, mechanism, client] as const))(
    '%s with %s',
    (_name, mechanism, candidate) => {
      const unavailable = candidate.unavailable();
      const test = unavailable === null ? it : it.skip;

      test('produces and reads back keys, values and headers, and shares a group', async () => {
        const client = await candidate.connect(broker.address, security(mechanism));
        try {
          const topic = uniqueName('secured');
          await observer.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
          await client.produce(topic, messages, { gzip: false });
          const read = await client.consumeFromBeginning(topic, messages.length);
          expect(read.map((m) => m.value).sort()).toEqual(messages.map((m) => m.value).sort());
          expect(read.find((m) => m.value === 'secured-3')).toMatchObject({
            key: 'key-3',
            headers: { origin: 'security' },
          });
          const member = await client.joinGroup(topic, uniqueName('secured-group'));
          await waitFor(() => member.received.length >= messages.length, 'the group to read all');
          await member.stop();
        } finally {
          await client.close();
        }
      }, 60_000);

      test('a wrong password is refused with SASL_AUTHENTICATION_FAILED and its message', async () => {
        const message = authenticationFailedMessage(mechanism);
        const failure = await failureOf(async () => {
          // kafkajs authenticates as it connects; kcat when it first talks to the broker.
          const client = await candidate.connect(broker.address, security(mechanism, 'wrong'));
          try {
            await client.produce(uniqueName('refused'), messages.slice(0, 1), { gzip: false });
          } finally {
            await client.close().catch(() => undefined);
          }
        });
        expect(failure).toContain(message);
        expect(warnings).toContainEqual(expect.stringContaining(`refused: ${message}`));
      }, 60_000);
    },
  );

  it('closes the connection of a client that asks anything before authenticating', async () => {
    const unauthenticated = testKafka(broker.address, {
      ssl: { ca: certificates.ca },
      retry: { retries: 0 },
    }).admin();
    const failure = await failureOf(async () => {
      await unauthenticated.connect();
      await unauthenticated.listTopics();
    });
    await unauthenticated.disconnect();
    expect(failure).toMatch(/Connection|closed|disconnect/i);
    expect(warnings).toContainEqual(
      expect.stringContaining('Metadata request before SASL authentication refused'),
    );
  });

  it('answers a mechanism it does not enable with the ones it does', async () => {
    const client = testKafka(broker.address, {
      ssl: { ca: certificates.ca },
      sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: 'token' }) },
      retry: { retries: 0 },
    }).admin();
    const failure = await failureOf(() => client.connect());
    await client.disconnect();
    expect(failure).toContain('The broker does not support the requested SASL mechanism');
  });

  it('serves TLS only, with the certificate it was given', async () => {
    const presented = await new Promise<tls.PeerCertificate>((resolve, reject) => {
      const socket = tls.connect(
        { host: broker.host, port: broker.port, ca: certificates.ca, servername: 'localhost' },
        () => {
          resolve(socket.getPeerCertificate());
          socket.end();
        },
      );
      socket.once('error', reject);
    });
    expect(presented.subject.CN).toBe('localhost');
  });
});
