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
