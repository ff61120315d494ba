import { parseConfig } from '@kinema/platform';
import { configProblems } from '@kinema/platform/testing';
import { generateKeyPairSync } from 'node:crypto';
import { configSchema } from './config';

const problemsOf = (env: Record<string, string>) => configProblems(configSchema, env);

const productionKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();

describe('users configuration', () => {
  it('has defaults for the embedded mode', () => {
    const config = parseConfig(configSchema, {});
    expect(config).toMatchObject({
      GRPC_PORT: 15052,
      OPS_PORT: 9402,
      KAFKA_PARTITIONS: 6,
      ACCESS_TOKEN_TTL_SECONDS: 900,
    });
    expect(config.REFRESH_TOKEN_TTL_SECONDS).toBe(30 * 86_400);
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:15432/postgres');
  });

  it('refuses the built-in development key and test-grade argon2 cost in production', () => {
    const problems = problemsOf({ NODE_ENV: 'production', ARGON2_MEMORY_KIB: '1024' });
    expect(
      problems.some((p) => p.startsWith('JWT_PRIVATE_KEY: must be set to a private key')),
    ).toBe(true);
    expect(problems.some((p) => p.startsWith('ARGON2_MEMORY_KIB:'))).toBe(true);
    expect(problemsOf({ NODE_ENV: 'production', JWT_PRIVATE_KEY: productionKey })).toEqual([]);
  });

  it('accepts a PEM given on one line with escaped newlines', () => {
    const config = parseConfig(configSchema, {
      JWT_PRIVATE_KEY: productionKey.replace(/\n/g, '\\n'),
    });
    expect(config.JWT_PRIVATE_KEY).toBe(productionKey.trim());
  });

  it('names a bad key without printing it', () => {
    const problems = problemsOf({ JWT_PRIVATE_KEY: 'definitely-not-a-key' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^JWT_PRIVATE_KEY: expected a PKCS#8 PEM/);
    expect(problems[0]).not.toContain('definitely-not-a-key');
  });

  it('checks the bootstrap admin settings together', () => {
    expect(problemsOf({ BOOTSTRAP_ADMIN_PASSWORD: 'long enough password' })[0]).toMatch(
      /^BOOTSTRAP_ADMIN_EMAIL:/,
    );
    const problems = problemsOf({
      BOOTSTRAP_ADMIN_EMAIL: 'not-an-email',
      BOOTSTRAP_ADMIN_PASSWORD: 'short',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'BOOTSTRAP_ADMIN_EMAIL',
      'BOOTSTRAP_ADMIN_PASSWORD',
    ]);
    expect(problems.join('\n')).not.toContain('short');
  });
});
