import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { configProblems } from '../testing/config-problems';
import { withServiceChecks } from './config-checks';
import { databaseConnection, databaseTlsIssues } from './database-tls';
import { grpcServiceConfigShape } from './service-config';

const URL = 'postgres://kinema:secret@db.example:5432/kinema_catalog';
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('PostgreSQL TLS: DATABASE_SSL_MODE and DATABASE_SSL_CA_FILE to node-postgres ssl', () => {
  let dir: string;
  let caFile: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'database-tls-'));
    caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, CA);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves the connection as it is when no mode is set anywhere', () => {
    expect(databaseConnection({ url: URL })).toEqual({ url: URL });
  });

  it('disable: no TLS, even where pg would have read the URL', () => {
    expect(databaseConnection({ url: `${URL}?sslmode=disable` })).toEqual({ url: URL, ssl: false });
  });

  it('require: encrypts without checking the certificate', () => {
    expect(databaseConnection({ url: URL, sslMode: 'require' })).toEqual({
      url: URL,
      ssl: { rejectUnauthorized: false },
    });
  });

  it('verify-ca: checks the chain against the CA but not the host name', () => {
    const { ssl } = databaseConnection({ url: URL, sslMode: 'verify-ca', sslCaFile: caFile });
    expect(ssl).toMatchObject({ ca: CA, rejectUnauthorized: true });
    const checkHost = ssl === false ? undefined : ssl?.checkServerIdentity;
    expect(
      checkHost?.('other.example', { subject: { CN: 'db.example' } } as never),
    ).toBeUndefined();
  });

  it('verify-full: checks the CA and leaves the host name check to node (its default)', () => {
    const { ssl } = databaseConnection({ url: URL, sslMode: 'verify-full', sslCaFile: caFile });
    expect(ssl).toEqual({ ca: CA, rejectUnauthorized: true });
  });

  it('require with a CA verifies it, as libpq does when a root certificate is given', () => {
    const { ssl } = databaseConnection({ url: URL, sslMode: 'require', sslCaFile: caFile });
    expect(ssl).toMatchObject({ ca: CA, rejectUnauthorized: true });
  });

  it("takes the URL's sslmode and sslrootcert with libpq's meanings, out of the URL pg reads", () => {
    const connection = databaseConnection({
      url: `${URL}?sslmode=verify-full&sslrootcert=${encodeURIComponent(caFile)}&application_name=x`,
    });
    expect(connection).toEqual({
      url: `${URL}?application_name=x`,
      ssl: { ca: CA, rejectUnauthorized: true },
    });
  });

  it('refuses sslmode=prefer (or allow) in the URL: either may fall back to no TLS at all', () => {
    expect(databaseTlsIssues({ url: `${URL}?sslmode=prefer` })).toEqual([
      {
        path: 'DATABASE_URL',
        message:
          'sslmode=prefer is not supported: use DATABASE_SSL_MODE (disable, require, verify-ca, verify-full)',
      },
    ]);
  });

  it('verify-ca needs a CA of its own (the public ones sign servers anyone may register)', () => {
    expect(databaseTlsIssues({ url: URL, sslMode: 'verify-ca' })).toEqual([
      { path: 'DATABASE_SSL_CA_FILE', message: 'required with DATABASE_SSL_MODE=verify-ca' },
    ]);
    expect(databaseTlsIssues({ url: URL, sslMode: 'verify-ca', sslCaFile: caFile })).toEqual([]);
  });

  it('accepts the same mode in both places, and refuses two different ones', () => {
    expect(databaseTlsIssues({ url: `${URL}?sslmode=require`, sslMode: 'require' })).toEqual([]);
    expect(databaseTlsIssues({ url: `${URL}?sslmode=require`, sslMode: 'verify-full' })).toEqual([
      {
        path: 'DATABASE_SSL_MODE',
        message:
          'is verify-full but DATABASE_URL says sslmode=require: set one, or the same in both',
      },
    ]);
  });

  it('names every contradiction of a service configuration at once, beside other problems', () => {
    const schema = withServiceChecks(
      z.object(grpcServiceConfigShape({ grpcPort: 1, opsPort: 2, databaseUrl: URL })),
    );
    const problems = configProblems(schema, {
      GRPC_PORT: 'x',
      DATABASE_URL: `${URL}?sslcert=/client.pem`,
      DATABASE_SSL_CA_FILE: caFile,
      KAFKA_SASL_MECHANISM: 'plain',
    });
    expect(problems).toEqual([
      'GRPC_PORT: expected a TCP port number (got "x")',
      'KAFKA_SASL_USERNAME: required with KAFKA_SASL_MECHANISM=plain (it is not set)',
      'KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM=plain (it is not set)',
      'DATABASE_URL: sslcert is not supported (TLS is set by DATABASE_SSL_MODE) (got a secret value)',
      `DATABASE_SSL_CA_FILE: set, but TLS is off: set DATABASE_SSL_MODE to verify-full (or verify-ca) (got "${caFile}")`,
    ]);
  });
});
