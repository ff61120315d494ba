import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeServices } from '../testing/fake-services';
import { createTestGateway } from '../testing/test-gateway';
import { RESERVED_PREFIXES } from './web-app';

const INDEX =
  '<!doctype html><html><body><div id="root"></div><script type="module" src="/assets/index-abc123.js"></script></body></html>';
const SCRIPT = 'console.log("kinema");\n';
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** What a browser sees of the web app the gateway serves at `/`. */
describe('the web app at /', () => {
  let services: FakeServices;
  let app: NestFastifyApplication;
  let dist: string;

  const get = (url: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET') =>
    app.getHttpAdapter().getInstance().inject({ method, url, headers });

  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'kinema-web-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), SCRIPT);
    writeFileSync(join(dist, 'robots.txt'), 'User-agent: *\n');
    services = new FakeServices({});
    app = await createTestGateway(services, { WEB_DIST_DIR: dist });
  });

  afterAll(async () => {
    await app?.close();
    services?.stop();
    rmSync(dist, { recursive: true, force: true });
  });

  it('answers / with index.html, revalidated on every visit', async () => {
    const response = await get('/', { accept: HTML });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.body).toBe(INDEX);
  });

  it('caches hashed assets for good', async () => {
    const response = await get('/assets/index-abc123.js');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.body).toBe(SCRIPT);
  });

  it('answers a missing asset 404, not the page', async () => {
    const response = await get('/assets/index-gone.js', { accept: '*/*' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('serves other files of the build, such as robots.txt', async () => {
    const response = await get('/robots.txt');
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('User-agent: *\n');
  });

  it.each(['/title/0b7e9d2c-3a4f-4e5d-8c6b-1a2f3e4d5c6b', '/search?q=night', '/profiles'])(
    'answers a browser navigating to the app page %s with index.html',
    async (url) => {
      const response = await get(url, { accept: HTML });
      expect(response.statusCode).toBe(200);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.body).toBe(INDEX);
    },
  );

  it('answers HEAD of an app page like its GET, without a body', async () => {
    const response = await get('/search', { accept: HTML }, 'HEAD');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toBe('');
  });

  it('answers an unknown path asked for as data 404 problem+json', async () => {
    const response = await get('/no-such-page', { accept: 'application/json' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it.each(['/ws', '/metrics', ...RESERVED_PREFIXES.map((prefix) => `${prefix}/no-such-thing`)])(
    'never answers %s with the app, even to a browser: its own 404 problem+json',
    async (url) => {
      const response = await get(url, { accept: HTML });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ status: 404 });
    },
  );

  it('keeps the API routes it does not shadow working', async () => {
    const response = await get('/healthz', { accept: HTML });
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toBe(INDEX);
  });

  it('forbids inline scripts and scripts from other origins', async () => {
    const policy = String((await get('/', { accept: HTML })).headers['content-security-policy']);
    const scripts = policy
      .split(';')
      .find((directive) => directive.trim().startsWith('script-src'));
    expect(scripts?.trim()).toBe("script-src 'self'");
    expect(policy).toContain("default-src 'self'");
  });

  it('sends index.html with the same security headers as the API', async () => {
    const page = await get('/', { accept: HTML });
    const api = await get('/healthz');
    for (const name of ['content-security-policy', 'x-content-type-options', 'x-frame-options'])
      expect(page.headers[name]).toBe(api.headers[name]);
  });
});

describe('the web app at / before it is built', () => {
  it('says how to build it', async () => {
    const services = new FakeServices({});
    const empty = mkdtempSync(join(tmpdir(), 'kinema-web-none-'));
    const app = await createTestGateway(services, { WEB_DIST_DIR: empty });
    try {
      const response = await app.getHttpAdapter().getInstance().inject({ url: '/' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.body).toContain('npx nx run web:build');
      const api = await app
        .getHttpAdapter()
        .getInstance()
        .inject({ url: '/api/v1/nothing-here', headers: { accept: HTML } });
      expect(api.statusCode).toBe(404);
    } finally {
      await app.close();
      services.stop();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
