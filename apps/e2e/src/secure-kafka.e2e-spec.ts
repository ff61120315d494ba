import {
  createTestCertificates,
  gatewayEventsJoined,
  type TestCertificates,
} from '@kinema/dev-infra';
import { WebSocket } from 'ws';
import { Client } from './support/accounts';
import { eventually } from './support/eventually';
import { startTestSystem, type TestSystem } from './support/system';

// Every service and the gateway talk to the embedded broker as they would to a managed Kafka: TLS
// against a CA made for this test (the `openssl` command signs it), then SASL SCRAM-SHA-512.
const USERS = 'kinema:e2e-broker-secret';
let certificates: TestCertificates;

const secureKafka = (password: string): Record<string, string> => ({
  KINEMA_KAFKA_TLS_CERT_FILE: certificates.serverCertFile,
  KINEMA_KAFKA_TLS_KEY_FILE: certificates.serverKeyFile,
  KINEMA_KAFKA_SASL_USERS: USERS,
  KAFKA_SSL: 'true',
  KAFKA_SSL_CA_FILE: certificates.caFile,
  KAFKA_SASL_MECHANISM: 'scram-sha-512',
  KAFKA_SASL_USERNAME: 'kinema',
  KAFKA_SASL_PASSWORD: password,
});

beforeAll(() => {
  certificates = createTestCertificates();
});

afterAll(() => {
  certificates?.remove();
});

describe('the system on a Kafka that requires TLS and SASL SCRAM', () => {
  let system: TestSystem | undefined;

  afterAll(async () => {
    await system?.dispose();
  });

  it('carries an admin change across Kafka to the gateway: a title.updated reaches a WebSocket client', async () => {
    system = await startTestSystem(0, secureKafka('e2e-broker-secret'));
    const api = `${system.gatewayUrl}/api/v1`;
    const admin = new Client(api);
    await admin.signIn(system.plan.admin);
    const created = await admin.call<{ id: string }>('POST', '/titles', {
      body: {
        slug: 'secure-kafka',
        type: 'movie',
        name: 'Over TLS',
        releaseYear: 2025,
        runtimeMinutes: 90,
        maturityRating: '13+',
        genres: ['drama'],
        availability: 'published',
        popularity: 1_000,
      },
    });
    expect(created.status).toBe(201);
    // The gateway's consumer authenticated and joined its group over TLS.
    await gatewayEventsJoined(system.gatewayUrl);

    const socket = new WebSocket(`${system.gatewayUrl.replace('http', 'ws')}/ws`);
    const messages: { type: string; title?: { id: string } }[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(data.toString()) as never));
    try {
      await new Promise<void>((done, fail) => {
        socket.once('open', () => done());
        socket.once('error', fail);
      });
      await eventually(async () => expect(messages.some((m) => m.type === 'welcome')).toBe(true));
      const patched = await admin.call('PATCH', `/titles/${created.body.id}`, {
        body: { name: 'Renamed over TLS' },
      });
      expect(patched.status).toBe(200);
      await eventually(async () =>
        expect(messages).toContainEqual(
          expect.objectContaining({
            type: 'title.updated',
            title: expect.objectContaining({ id: created.body.id }),
          }),
        ),
      );
    } finally {
      socket.close();
    }
  }, 240_000);

  it('refuses to start with a wrong password, saying that Kafka refused the credentials', async () => {
    const logs: string[] = [];
    await expect(startTestSystem(0, secureKafka('wrong-password'), { logs })).rejects.toThrow(
      /exited \(1\) before it was ready/,
    );
    const output = logs.join('\n');
    expect(output).toContain(
      'Kafka refused the SASL credentials (mechanism scram-sha-512; check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD)',
    );
    expect(output).toContain(
      'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512',
    );
  }, 240_000);
});
