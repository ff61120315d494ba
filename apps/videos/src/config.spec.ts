import { parseConfig } from '@kinema/platform';
import { configProblems } from '@kinema/platform/testing';
import { configSchema } from './config';

const problemsOf = (env: Record<string, string>) => configProblems(configSchema, env);

describe('videos configuration', () => {
  it('has defaults for the embedded mode', () => {
    const config = parseConfig(configSchema, {});
    expect(config).toMatchObject({
      GRPC_PORT: 15053,
      OPS_PORT: 9403,
      S3_ENDPOINT: 'http://127.0.0.1:19000',
      S3_REGION: 'us-east-1',
      S3_BUCKET: 'kinema-videos',
      S3_FORCE_PATH_STYLE: true,
      UPLOAD_MAX_BYTES: 2 * 1024 ** 3,
      UPLOAD_MAX_CONCURRENT: 8,
      UPLOAD_SWEEP_INTERVAL_MS: 300_000,
      UPLOAD_STALE_AFTER_MS: 900_000,
    });
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:15433/postgres');
    expect(config.S3_PUBLIC_ENDPOINT).toBeUndefined();
  });

  it('refuses a stale age the sweep could not keep live uploads within', () => {
    expect(
      problemsOf({ UPLOAD_SWEEP_INTERVAL_MS: '60000', UPLOAD_STALE_AFTER_MS: '90000' }),
    ).toEqual([expect.stringMatching(/^UPLOAD_STALE_AFTER_MS: must be at least twice/)]);
  });

  it('refuses the development S3 credentials in production without printing them', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems.map((p) => p.split(':')[0])).toEqual([
      'S3_ACCESS_KEY_ID',
      'S3_SECRET_ACCESS_KEY',
    ]);
    expect(problems.join('\n')).not.toContain('kinema-dev');
    expect(
      problemsOf({
        NODE_ENV: 'production',
        S3_ACCESS_KEY_ID: 'prod-key',
        S3_SECRET_ACCESS_KEY: 'prod-secret',
      }),
    ).toEqual([]);
  });

  it('reports every bad variable at once', () => {
    const problems = problemsOf({
      S3_ENDPOINT: 'minio:9000',
      S3_PUBLIC_ENDPOINT: 'ftp://example.test',
      UPLOAD_MAX_BYTES: '0',
      S3_BUCKET: 'Bad_Bucket',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'S3_BUCKET',
      'S3_ENDPOINT',
      'S3_PUBLIC_ENDPOINT',
      'UPLOAD_MAX_BYTES',
    ]);
  });
});
