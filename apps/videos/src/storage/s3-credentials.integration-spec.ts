import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startS3Server, type RunningS3Server, type S3RequestRecord } from '@kinema/dev-infra';
import { parseConfig } from '@kinema/platform';
import { configSchema } from '../config';
import { client } from './video-storage';

const BUCKET = 'kinema-credentials-test';

/** The access key id a request was signed with (SigV4's Credential=<key>/<date>/...). */
function signingKey(request: S3RequestRecord): string | undefined {
  const authorization = request.headers['authorization'];
  return /Credential=([^/]+)\//.exec(String(authorization ?? ''))?.[1];
}

describe('S3_CREDENTIALS: how the videos S3 client finds its credentials', () => {
  let server: RunningS3Server;
  const requests: S3RequestRecord[] = [];
  const saved = { ...process.env };

  beforeAll(async () => {
    server = await startS3Server({ buckets: [BUCKET], onRequest: (r) => requests.push(r) });
  });
  afterAll(async () => {
    await server?.stop();
  });
  beforeEach(() => {
    requests.length = 0;
    // The default chain's environment step, as a pod's injected credentials would be.
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIACHAINFROMENV';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'chain-secret';
  });
  afterEach(() => {
    process.env = { ...saved };
  });

  const roundTrip = async (env: Record<string, string>) => {
    const config = parseConfig(configSchema, { S3_ENDPOINT: server.endpoint, ...env });
    const s3 = client(config, config.S3_ENDPOINT);
    try {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'probe', Body: 'bytes' }));
      const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'probe' }));
      expect(await got.Body?.transformToString()).toBe('bytes');
      return { identity: await s3.config.credentials(), keys: requests.map(signingKey) };
    } finally {
      s3.destroy();
    }
  };

  it('default-chain signs with what the SDK chain finds, never reading the S3_* keys', async () => {
    const { identity, keys } = await roundTrip({
      S3_CREDENTIALS: 'default-chain',
      S3_ACCESS_KEY_ID: 'AKIASTATICNOTUSED',
      S3_SECRET_ACCESS_KEY: 'static-secret',
    });
    expect(identity.accessKeyId).toBe('AKIACHAINFROMENV');
    expect(keys).toEqual(['AKIACHAINFROMENV', 'AKIACHAINFROMENV']);
  });

  it('static (the default) signs with S3_ACCESS_KEY_ID whatever the AWS_* environment says', async () => {
    const { keys } = await roundTrip({
      S3_ACCESS_KEY_ID: 'AKIASTATICKEY',
      S3_SECRET_ACCESS_KEY: 'static-secret',
    });
    expect(keys).toEqual(['AKIASTATICKEY', 'AKIASTATICKEY']);
  });

  it('default-chain needs no keys in production', () => {
    const config = parseConfig(configSchema, {
      NODE_ENV: 'production',
      S3_CREDENTIALS: 'default-chain',
    });
    expect(config.S3_CREDENTIALS).toBe('default-chain');
  });
});
