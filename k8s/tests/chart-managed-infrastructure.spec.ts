import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { containerEnv } from './support/container-env';
import { managedInfrastructure, render, renderError, type RenderOptions } from './support/helm';
import { byKind, find, serviceDeployment, type K8sObject } from './support/k8s-objects';
import { serviceNames } from './support/repo';

// Secrets the operator creates beside the release, with what they would hold.
const outside: Record<string, Record<string, string>> = {
  'kafka-sasl': { username: 'kinema', password: 'scram-password' },
  'kafka-client-tls': { 'ca.crt': 'CA PEM', 'tls.crt': 'CERT PEM', 'tls.key': 'KEY PEM' },
  'database-ca': { 'ca.crt': 'RDS CA PEM' },
  'kinema-databases': Object.fromEntries(
    ['catalog', 'users', 'videos'].map((db) => [
      `${db}-database-url`,
      `postgresql://${db}@db.example/${db}`,
    ]),
  ),
  'kinema-redis': { 'redis-url': 'redis://:pw@redis.example:6379/0' },
};

function envOf(objects: readonly K8sObject[], service: string): Record<string, string> {
  const container = serviceDeployment(objects, service)?.spec.containers[0];
  if (!container) throw new Error(`${service} is not rendered`);
  return containerEnv(objects, container, (_name, secret, key) => outside[secret]?.[key]);
}

/** The file a container would read at `file`: the key of the Secret mounted over its directory. */
function mountedFile(podSpec: IPodSpec, container: IContainer, file: string): string | undefined {
  const mount = (container.volumeMounts ?? []).find((m) => file.startsWith(`${m.mountPath}/`));
  const volume = (podSpec.volumes ?? []).find((v) => v.name === mount?.name);
  const secret = volume?.secret;
  if (!mount || !secret?.secretName) return undefined;
  const item = (secret.items ?? []).find((i) => `${mount.mountPath}/${i.path}` === file);
  return item ? outside[secret.secretName]?.[item.key] : undefined;
}

describe('managed Kafka, PostgreSQL over TLS and keyless S3', () => {
  const objects = render(managedInfrastructure);

  it.each([...serviceNames])(
    '%s gets TLS and SASL SCRAM for Kafka, the password from the Secret',
    (service) => {
      const env = envOf(objects, service);
      expect(env).toMatchObject({
        KAFKA_BROKERS: 'kafka.example:9092',
        KAFKA_SSL: 'true',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'kinema',
        KAFKA_SASL_PASSWORD: 'scram-password',
      });
      const password = serviceDeployment(objects, service)?.spec.containers[0]?.env?.find(
        (e) => e.name === 'KAFKA_SASL_PASSWORD',
      );
      expect(password?.value).toBeUndefined();
      expect(password?.valueFrom?.secretKeyRef).toEqual({ name: 'kafka-sasl', key: 'password' });
    },
  );

  it.each([...serviceNames])(
    "%s reads the CA and its client certificate from the mounted Secret's files",
    (service) => {
      const pod = serviceDeployment(objects, service);
      const container = pod?.spec.containers[0];
      if (!pod || !container) throw new Error('not rendered');
      const env = envOf(objects, service);
      expect(mountedFile(pod.spec, container, env['KAFKA_SSL_CA_FILE'] ?? '')).toBe('CA PEM');
      expect(mountedFile(pod.spec, container, env['KAFKA_SSL_CERT_FILE'] ?? '')).toBe('CERT PEM');
      expect(mountedFile(pod.spec, container, env['KAFKA_SSL_KEY_FILE'] ?? '')).toBe('KEY PEM');
      expect(container.volumeMounts?.find((m) => m.name === 'kafka-tls')?.readOnly).toBe(true);
    },
  );

  it.each(['catalog', 'users', 'videos'])(
    '%s verifies the database server against the CA from its Secret',
    (service) => {
      const pod = serviceDeployment(objects, service);
      const container = pod?.spec.containers[0];
      if (!pod || !container) throw new Error('not rendered');
      const env = envOf(objects, service);
      expect(env['DATABASE_SSL_MODE']).toBe('verify-full');
      expect(mountedFile(pod.spec, container, env['DATABASE_SSL_CA_FILE'] ?? '')).toBe(
        'RDS CA PEM',
      );
    },
  );

  it('the gateway has no database, so no database CA', () => {
    const env = envOf(objects, 'gateway');
    expect(Object.keys(env).filter((name) => name.startsWith('DATABASE_'))).toEqual([]);
  });

  it('videos uses the SDK default chain: an annotated ServiceAccount, no key variable, no key Secret', () => {
    const account = find(objects, 'ServiceAccount', 'kinema-videos');
    expect(account?.metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/kinema-videos',
    });
    expect(serviceDeployment(objects, 'videos')?.spec.serviceAccountName).toBe('kinema-videos');
    const env = envOf(objects, 'videos');
    expect(env['S3_CREDENTIALS']).toBe('default-chain');
    expect(Object.keys(env).filter((name) => /^S3_(ACCESS|SECRET)/.test(name))).toEqual([]);
    const secretKeys = byKind(objects, 'Secret').flatMap((s) =>
      Object.keys((s['data'] as Record<string, string> | undefined) ?? {}),
    );
    expect(secretKeys.filter((key) => /access-key|secret-access/.test(key))).toEqual([]);
  });

  it('the other ServiceAccounts carry no annotation', () => {
    for (const name of ['gateway', 'catalog', 'users'])
      expect(
        find(objects, 'ServiceAccount', `kinema-${name}`)?.metadata.annotations,
      ).toBeUndefined();
  });
});

describe('MSK with IAM', () => {
  const objects = render({
    set: [
      ...(managedInfrastructure.set ?? []).filter((v) => !v.startsWith('externalKafka.sasl.')),
      'externalKafka.sasl.mechanism=aws-msk-iam',
      'externalKafka.sasl.awsRegion=eu-west-1',
    ],
  });

  it.each([...serviceNames])('%s authenticates with its cloud identity, no password', (service) => {
    const env = envOf(objects, service);
    expect(env['KAFKA_SASL_MECHANISM']).toBe('aws-msk-iam');
    expect(env['AWS_REGION']).toBe('eu-west-1');
    expect(env['KAFKA_SASL_USERNAME']).toBeUndefined();
    expect(env['KAFKA_SASL_PASSWORD']).toBeUndefined();
  });
});

describe('the settings the chart refuses', () => {
  const external = (extra: string[]): RenderOptions => ({
    set: [
      ...(managedInfrastructure.set ?? []).filter(
        (v) => !v.startsWith('externalKafka.') || v.startsWith('externalKafka.brokers'),
      ),
      ...extra,
    ],
  });

  it.each([
    [['externalKafka.sasl.mechanism=scram-sha-256'], /set externalKafka\.sasl\.existingSecret/],
    [
      ['externalKafka.sasl.mechanism=plain', 'externalKafka.sasl.existingSecret=kafka-sasl'],
      /password in clear: set externalKafka\.tls\.enabled=true/,
    ],
    [
      ['externalKafka.tls.enabled=true', 'externalKafka.sasl.mechanism=aws-msk-iam'],
      /aws-msk-iam: set externalKafka\.sasl\.awsRegion/,
    ],
    [
      ['externalKafka.tls.enabled=true', 'externalKafka.tls.clientCert=true'],
      /set externalKafka\.tls\.existingSecret/,
    ],
  ])('%j', (extra, message) => {
    expect(renderError(external(extra))).toMatch(message);
  });

  it('TLS and SASL settings with the bundled Kafka, which speaks plaintext', () => {
    expect(renderError({ set: ['externalKafka.tls.enabled=true'] })).toMatch(
      /apply to an external Kafka/,
    );
  });

  it('a database CA with the bundled PostgreSQL, which serves no TLS', () => {
    expect(renderError({ set: ['externalDatabase.sslMode=verify-full'] })).toMatch(
      /bundled PostgreSQL serves no TLS/,
    );
  });

  it('default-chain S3 credentials with the bundled object store', () => {
    expect(renderError({ set: ['externalS3.credentials=default-chain'] })).toMatch(
      /default-chain needs an external S3/,
    );
  });

  it('reports every problem at once', () => {
    const message = renderError({
      set: ['externalKafka.tls.enabled=true', 'externalS3.credentials=default-chain'],
    });
    expect(message).toMatch(/apply to an external Kafka/);
    expect(message).toMatch(/default-chain needs an external S3/);
  });
});
