import {
  createTestCertificates,
  startKafkaBroker,
  type RunningKafkaBroker,
  type TestCertificates,
} from '@kinema/dev-infra';
import pino from 'pino';
import { z } from 'zod';
import { withKafkaChecks } from '../config/config-checks';
import { kafkaConfigShape } from '../config/kafka-env';
import { parseConfig } from '../config/load-config';
import { KafkaCredentialsRefusedError, verifyKafkaCredentials } from './kafka-credentials';
import { createKafka, kafkaClientConfig } from './kafka.factory';

const schema = withKafkaChecks(z.object(kafkaConfigShape));
const logger = pino({ level: 'silent' });

describe('the Kafka client from KAFKA_* variables, against a broker requiring TLS and SCRAM', () => {
  let certificates: TestCertificates;
  let broker: RunningKafkaBroker;
  const env = (password: string) =>
    parseConfig(schema, {
      KAFKA_BROKERS: broker.address,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: certificates.caFile,
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'kinema',
      KAFKA_SASL_PASSWORD: password,
    });

  beforeAll(async () => {
    certificates = createTestCertificates();
    broker = await startKafkaBroker({
      tls: { cert: certificates.serverCert, key: certificates.serverKey },
      sasl: { mechanisms: ['SCRAM-SHA-256'], users: { kinema: 'right-password' } },
    });
  });

  afterAll(async () => {
    await broker?.stop();
    certificates?.remove();
  });

  it('connects with the CA and the credentials, and creates and lists topics', async () => {
    const config = kafkaClientConfig(env('right-password'), 'kafka-security-test');
    const kafka = createKafka(config, logger);
    await verifyKafkaCredentials(kafka, config, logger);
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic: 'secured-topic', numPartitions: 1 }] });
      expect(await admin.listTopics()).toContain('secured-topic');
    } finally {
      await admin.disconnect();
    }
  });

  it('fails start-up on a wrong password, naming the variables and the broker reason', async () => {
    const config = kafkaClientConfig(env('wrong-password'), 'kafka-security-test');
    const check = verifyKafkaCredentials(createKafka(config, logger), config, logger);
    await expect(check).rejects.toThrow(KafkaCredentialsRefusedError);
    await expect(check).rejects.toThrow(
      /KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD.*invalid credentials with SASL mechanism SCRAM-SHA-256/,
    );
  });

  it('lets a service start when the brokers cannot be reached (its loops retry)', async () => {
    const config = { ...kafkaClientConfig(env('right-password'), 'kafka-security-test') };
    config.brokers = ['127.0.0.1:1'];
    await expect(
      verifyKafkaCredentials(createKafka(config, logger), config, logger),
    ).resolves.toBeUndefined();
  });
});
