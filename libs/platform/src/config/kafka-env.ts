import { z } from 'zod';
import { envBool, envList, secret } from './env';
import { envPemFile } from './pem-file';

export const KAFKA_SASL_MECHANISMS = [
  'plain',
  'scram-sha-256',
  'scram-sha-512',
  'aws-msk-iam',
] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

/**
 * Where the brokers are and how to reach them securely: what every process that talks to Kafka
 * reads (docs/external-infrastructure.md). Cross-variable rules: `kafkaSecurityIssues`.
 */
export const kafkaConfigShape = {
  KAFKA_BROKERS: envList('127.0.0.1:19092'),
  /** TLS to the brokers; the system's CAs unless KAFKA_SSL_CA_FILE names a bundle. */
  KAFKA_SSL: envBool(false),
  KAFKA_SSL_CA_FILE: envPemFile('CERTIFICATE'),
  /** A client certificate and its key (mutual TLS): both or neither. */
  KAFKA_SSL_CERT_FILE: envPemFile('CERTIFICATE'),
  KAFKA_SSL_KEY_FILE: envPemFile('PRIVATE KEY'),
  /** Unset: no SASL. `aws-msk-iam` signs with the AWS SDK's default credential chain. */
  KAFKA_SASL_MECHANISM: z
    .enum(KAFKA_SASL_MECHANISMS, {
      error: `expected one of ${KAFKA_SASL_MECHANISMS.join(', ')}`,
    })
    .optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: secret(z.string().optional()),
  /** The region MSK IAM tokens are signed for (KAFKA_SASL_MECHANISM=aws-msk-iam only). */
  AWS_REGION: z.string().optional(),
};

export type KafkaEnv = z.output<z.ZodObject<typeof kafkaConfigShape>>;

interface ConfigIssue {
  path: string;
  message: string;
}

/**
 * The Kafka settings that contradict each other or lack a partner. Reads the raw parsed values
 * defensively: it also runs when another variable is invalid, so every problem shows at once.
 */
export function kafkaSecurityIssues(config: Record<string, unknown>): ConfigIssue[] {
  const given = (name: string) => typeof config[name] === 'string' && config[name] !== '';
  const issues: ConfigIssue[] = [];
  if (given('KAFKA_SSL_CERT_FILE') !== given('KAFKA_SSL_KEY_FILE')) {
    const [missing, partner] = given('KAFKA_SSL_CERT_FILE')
      ? ['KAFKA_SSL_KEY_FILE', 'KAFKA_SSL_CERT_FILE']
      : ['KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'];
    issues.push({ path: missing, message: `required with ${partner} (a certificate and its key)` });
  }
  if (config['KAFKA_SSL'] !== true) {
    for (const name of ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'])
      if (given(name)) issues.push({ path: name, message: 'set, but KAFKA_SSL is not true' });
  }
  const mechanism = config['KAFKA_SASL_MECHANISM'];
  const credentials = ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'];
  if (mechanism === undefined) {
    for (const name of credentials)
      if (given(name)) issues.push({ path: name, message: 'set, but KAFKA_SASL_MECHANISM is not' });
  } else if (mechanism === 'aws-msk-iam') {
    for (const name of credentials)
      if (given(name))
        issues.push({
          path: name,
          message: 'not used with aws-msk-iam (the AWS SDK default credential chain signs)',
        });
    if (!given('AWS_REGION'))
      issues.push({
        path: 'AWS_REGION',
        message: 'required with KAFKA_SASL_MECHANISM=aws-msk-iam',
      });
    if (config['KAFKA_SSL'] !== true)
      issues.push({
        path: 'KAFKA_SSL',
        message:
          'must be true with KAFKA_SASL_MECHANISM=aws-msk-iam (MSK serves IAM over TLS only)',
      });
  } else if (
    typeof mechanism === 'string' &&
    KAFKA_SASL_MECHANISMS.includes(mechanism as KafkaSaslMechanism)
  ) {
    for (const name of credentials)
      if (!given(name))
        issues.push({ path: name, message: `required with KAFKA_SASL_MECHANISM=${mechanism}` });
  }
  return issues;
}
