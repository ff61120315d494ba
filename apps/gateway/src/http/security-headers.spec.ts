import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { FakeServices } from '../testing/fake-services';
import { createTestGateway } from '../testing/test-gateway';

/** The directive `name` of a Content-Security-Policy header, e.g. `media-src 'self'`. */
function directive(policy: unknown, name: string): string | undefined {
  return String(policy)
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${name} `));
}

describe('the Content-Security-Policy of media', () => {
  let services: FakeServices;
  const apps: NestFastifyApplication[] = [];

  beforeAll(() => {
    services = new FakeServices({});
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    services?.stop();
  });

  const policyOf = async (env: Record<string, string>) => {
    const app = await createTestGateway(services, env);
    apps.push(app);
    const response = await app.getHttpAdapter().getInstance().inject({ url: '/healthz' });
    return response.headers['content-security-policy'];
  };

  it('lets media load from the origin playback redirects go to, and only from it', async () => {
    const policy = await policyOf({
      PLAYBACK_MODE: 'redirect',
      PLAYBACK_MEDIA_ORIGIN: 'https://media.example.com:9000/kinema-videos',
    });
    expect(directive(policy, 'media-src')).toBe("media-src 'self' https://media.example.com:9000");
  });

  it('lets media load from this origin alone when no media origin is configured', async () => {
    expect(directive(await policyOf({}), 'media-src')).toBe("media-src 'self'");
  });

  it('asks no browser to fetch the page over https, which plain HTTP on minikube cannot serve', async () => {
    expect(String(await policyOf({}))).not.toContain('upgrade-insecure-requests');
  });
});

describe('headers a browser heeds only from a trustworthy origin', () => {
  let services: FakeServices;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    services = new FakeServices({});
    app = await createTestGateway(services, {});
  });

  afterAll(async () => {
    await app?.close();
    services?.stop();
  });

  const headersFor = async (headers: Record<string, string>) =>
    (await app.getHttpAdapter().getInstance().inject({ url: '/healthz', headers })).headers;

  it.each(['localhost:3000', 'kinema.localhost', '127.0.0.1:3000', '[::1]:3000'])(
    'are sent to a page at %s, which a browser trusts over plain HTTP',
    async (host) => {
      const headers = await headersFor({ host });
      expect(headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(headers['origin-agent-cluster']).toBe('?1');
    },
  );

  it('are sent over HTTPS, as a proxy that ended TLS reports it', async () => {
    const headers = await headersFor({ host: 'kinema.example.com', 'x-forwarded-proto': 'https' });
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  });

  it('are left out over plain HTTP at another address, where a browser would only complain of them', async () => {
    for (const host of ['192.168.49.2:30080', 'kinema.example.com', '127.0.0.1.nip.io']) {
      const headers = await headersFor({ host });
      expect(headers).not.toHaveProperty('cross-origin-opener-policy');
      expect(headers).not.toHaveProperty('origin-agent-cluster');
      // The rest stay.
      expect(headers['content-security-policy']).toContain("default-src 'self'");
      expect(headers['x-content-type-options']).toBe('nosniff');
    }
  });
});
