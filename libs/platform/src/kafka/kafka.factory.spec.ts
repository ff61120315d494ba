import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { OauthbearerProviderResponse, SASLOptions } from 'kafkajs';
import { z } from 'zod';
import { kafkaConfigShape } from '../config/kafka-env';
import { parseConfig } from '../config/load-config';
import { kafkaClientConfig } from './kafka.factory';

const schema = z.object(kafkaConfigShape);
const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';

describe('kafkaClientConfig: KAFKA_* variables to kafkajs options', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kafka-factory-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('plaintext without SASL by default', () => {
    expect(kafkaClientConfig(parseConfig(schema, {}), 'svc')).toEqual({
      brokers: ['127.0.0.1:19092'],
      clientId: 'svc',
    });
  });

  it("TLS with the system's CAs, or with the files' contents", () => {
    expect(kafkaClientConfig(parseConfig(schema, { KAFKA_SSL: 'true' }), 'svc').ssl).toBe(true);
    const files = { ca: join(dir, 'ca.pem'), cert: join(dir, 'c.pem'), key: join(dir, 'c.key') };
    writeFileSync(files.ca, CERT);
    writeFileSync(files.cert, CERT);
    writeFileSync(files.key, KEY);
    const env = parseConfig(schema, {
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: files.ca,
      KAFKA_SSL_CERT_FILE: files.cert,
      KAFKA_SSL_KEY_FILE: files.key,
    });
    expect(kafkaClientConfig(env, 'svc').ssl).toEqual({ ca: CERT, cert: CERT, key: KEY });
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)('%s with the credentials', (m) => {
    const env = parseConfig(schema, {
      KAFKA_SASL_MECHANISM: m,
      KAFKA_SASL_USERNAME: 'kinema',
      KAFKA_SASL_PASSWORD: 'hunter2',
    });
    expect(kafkaClientConfig(env, 'svc').sasl).toEqual({
      mechanism: m,
      username: 'kinema',
      password: 'hunter2',
    });
  });

  it('aws-msk-iam: OAUTHBEARER with a token AWS signs from the default credential chain', async () => {
    const saved = { ...process.env };
    // The chain's environment step: no network is needed to sign.
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIAEXAMPLEKINEMA';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'example-secret';
    try {
      const env = parseConfig(schema, {
        KAFKA_SSL: 'true',
        KAFKA_SASL_MECHANISM: 'aws-msk-iam',
        AWS_REGION: 'eu-west-1',
      });
      const sasl = kafkaClientConfig(env, 'svc').sasl as SASLOptions & {
        oauthBearerProvider: () => Promise<OauthbearerProviderResponse>;
      };
      expect(sasl.mechanism).toBe('oauthbearer');
      const { value } = await sasl.oauthBearerProvider();
      const signed = new URL(Buffer.from(value, 'base64url').toString('utf8'));
      expect(signed.host).toBe('kafka.eu-west-1.amazonaws.com');
      expect(signed.searchParams.get('Action')).toBe('kafka-cluster:Connect');
      expect(signed.searchParams.get('X-Amz-Credential')).toMatch(/^AKIAEXAMPLEKINEMA\//);
    } finally {
      process.env = saved;
    }
  });
});
