import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { configProblems } from '../testing/config-problems';
import { withKafkaChecks } from './config-checks';
import { kafkaConfigShape } from './kafka-env';
import { parseConfig } from './load-config';

const schema = withKafkaChecks(z.object({ ...kafkaConfigShape, PORT: z.coerce.number() }));
// PEM-shaped files are enough here: the contents are checked for their block, not parsed.
const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';

describe('Kafka TLS and SASL variables', () => {
  let dir: string;
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kafka-env-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts TLS with a CA and a client certificate, and SCRAM credentials', () => {
    const config = parseConfig(schema, {
      PORT: '1',
      KAFKA_BROKERS: 'b-1.example:9096',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: file('ca.pem', CERT),
      KAFKA_SSL_CERT_FILE: file('client.pem', CERT),
      KAFKA_SSL_KEY_FILE: file('client.key', KEY),
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'kinema',
      KAFKA_SASL_PASSWORD: 'hunter2',
    });
    expect(config).toMatchObject({ KAFKA_SSL: true, KAFKA_SASL_MECHANISM: 'scram-sha-512' });
  });

  it('names every bad variable at once, even beside an unrelated invalid one', () => {
    const problems = configProblems(schema, {
      PORT: 'not a number',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: join(dir, 'missing.pem'),
      KAFKA_SSL_CERT_FILE: file('notes.txt', 'hello'),
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_PASSWORD: 'hunter2',
    });
    expect(problems).toEqual([
      'KAFKA_SSL_CA_FILE: expected a readable PEM file (no such file) (got "' +
        join(dir, 'missing.pem') +
        '")',
      `KAFKA_SSL_CERT_FILE: expected a PEM file with a "-----BEGIN CERTIFICATE-----" block (got "${join(dir, 'notes.txt')}")`,
      'PORT: Invalid input: expected number, received NaN (got "not a number")',
      'KAFKA_SSL_KEY_FILE: required with KAFKA_SSL_CERT_FILE (a certificate and its key) (it is not set)',
      'KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM=scram-sha-256 (it is not set)',
    ]);
  });

  it('refuses an unknown mechanism, a key without its certificate, and TLS files without TLS', () => {
    const problems = configProblems(schema, {
      PORT: '1',
      KAFKA_SSL_KEY_FILE: file('client.key', KEY),
      KAFKA_SASL_MECHANISM: 'gssapi',
    });
    expect(problems).toEqual([
      'KAFKA_SASL_MECHANISM: expected one of plain, scram-sha-256, scram-sha-512, aws-msk-iam (got "gssapi")',
      'KAFKA_SSL_CERT_FILE: required with KAFKA_SSL_KEY_FILE (a certificate and its key) (it is not set)',
      `KAFKA_SSL_KEY_FILE: set, but KAFKA_SSL is not true (got "${join(dir, 'client.key')}")`,
    ]);
  });

  it('never prints the password, and refuses credentials without a mechanism', () => {
    const problems = configProblems(schema, {
      PORT: '1',
      KAFKA_SASL_USERNAME: 'kinema',
      KAFKA_SASL_PASSWORD: 'hunter2',
    });
    expect(problems).toEqual([
      'KAFKA_SASL_USERNAME: set, but KAFKA_SASL_MECHANISM is not (got "kinema")',
      'KAFKA_SASL_PASSWORD: set, but KAFKA_SASL_MECHANISM is not (got a secret value)',
    ]);
  });

  it('asks aws-msk-iam for TLS and a region, and for no username or password', () => {
    const problems = configProblems(schema, {
      PORT: '1',
      KAFKA_SASL_MECHANISM: 'aws-msk-iam',
      KAFKA_SASL_USERNAME: 'kinema',
    });
    expect(problems).toEqual([
      'KAFKA_SASL_USERNAME: not used with aws-msk-iam (the AWS SDK default credential chain signs) (got "kinema")',
      'AWS_REGION: required with KAFKA_SASL_MECHANISM=aws-msk-iam (it is not set)',
      'KAFKA_SSL: must be true with KAFKA_SASL_MECHANISM=aws-msk-iam (MSK serves IAM over TLS only) (it is not set)',
    ]);
  });
});
