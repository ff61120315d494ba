import { credentials, makeClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { kafkaClient } from '@kinema/platform/kafka';
import { logLevel } from 'kafkajs';
import { service as healthService } from 'grpc-health-check';
import { GRPC_SERVICES, SERVED_BY_METADATA } from '@kinema/contracts';
import { GrpcReflectionClient } from '@kinema/platform/testing';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { eventually } from './support/eventually';
import { request, startTestSystem, type TestSystem } from './support/system';

interface TitleItem {
  id: string;
  slug: string;
  name: string;
  version: number;
}
interface Page {
  items: TitleItem[];
  nextCursor: string | null;
}
interface Problem {
  status: number;
  title: string;
  errors?: Array<{ field: string; description: string }>;
  code?: string;
}

const DEMO_TITLES = 150;
let system: TestSystem;
let api: string;
/** Catalog writes need an admin: the launcher's bootstrap admin signs in once for the file. */
let asAdmin: Record<string, string>;

beforeAll(async () => {
  system = await startTestSystem(DEMO_TITLES);
  api = `${system.gatewayUrl}/api/v1`;
  const signIn = await request<{ tokens: { accessToken: string } }>(api, '/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(system.plan.admin),
  });
  expect(signIn.status).toBe(200);
  asAdmin = { authorization: `Bearer ${signIn.body.tokens.accessToken}` };
}, 180_000);

afterAll(async () => {
  await system?.dispose();
});

async function walk(query: string): Promise<TitleItem[]> {
  const seen: TitleItem[] = [];
  let cursor: string | null = null;
  do {
    const suffix: string = cursor ? `&cursor=${cursor}` : '';
    const page = await request<Page>(api, `/titles?${query}${suffix}`);
    expect(page.status).toBe(200);
    seen.push(...page.body.items);
    cursor = page.body.nextCursor;
  } while (cursor);
  return seen;
}

function expectProblem(
  response: { status: number; headers: Headers; body: unknown },
  status: number,
  field?: string,
) {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = response.body as Problem;
  expect(problem.status).toBe(status);
  if (field) expect(problem.errors?.map((e) => e.field)).toContain(field);
}

const validTitle = (slug: string) => ({
  slug,
  type: 'movie',
  name: `E2E ${slug}`,
  synopsis: 'A title made by the end-to-end test.',
  releaseYear: 2024,
  runtimeMinutes: 95,
  maturityRating: '13+',
  genres: ['drama'],
  availability: 'published',
});

describe('browsing the catalog through the gateway', () => {
  it('answers a first page of 5 titles with a cursor', async () => {
    const page = await request<Page>(api, '/titles?limit=5');
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(5);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    expect(page.headers.get('x-request-id')).toBeTruthy();
    expect(page.headers.get('x-served-by')).toBeTruthy();
  });

  it('walks the whole catalog by cursor with no duplicate and no gap, whatever the page size', async () => {
    const small = await walk('limit=7');
    const large = await walk('limit=100&sort=popular');
    const smallIds = small.map((t) => t.id);
    expect(new Set(smallIds).size).toBe(smallIds.length);
    expect(new Set(large.map((t) => t.id))).toEqual(new Set(smallIds));
    expect(smallIds.length).toBeGreaterThan(DEMO_TITLES / 2);
  });

  it('finds a title by the prefix of a word of its name', async () => {
    const [first] = (await request<Page>(api, '/titles?limit=1&sort=popular')).body.items;
    const word = first.name.split(/\s+/).find((w) => w.length >= 4) ?? first.name;
    const prefix = word.slice(0, 3).toLowerCase();
    const found = await walk(`q=${encodeURIComponent(prefix)}&limit=100`);
    expect(found.map((t) => t.id)).toContain(first.id);
  });

  it('answers 304 to If-None-Match with the ETag of a read', async () => {
    const first = await request(api, '/titles?limit=3');
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await fetch(`${api}/titles?limit=3`, {
      headers: { 'if-none-match': etag ?? '' },
    });
    expect(again.status).toBe(304);
  });

  it('serves Swagger UI at /docs and the OpenAPI document at /docs/openapi.json', async () => {
    const ui = await fetch(`${system.gatewayUrl}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
    const doc = await request<{ openapi: string; paths: Record<string, unknown> }>(
      system.gatewayUrl,
      '/docs/openapi.json',
    );
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/titles',
        '/api/v1/titles/{id}',
        '/api/v1/browse',
        '/api/v1/genres',
      ]),
    );
  });

  it('answers SERVING to the standard gRPC health check of the catalog', async () => {
    const target = system.supervisor.address('catalog', 'grpc');
    const HealthClient = makeClientConstructor(healthService, 'grpc.health.v1.Health');
    const client = new HealthClient(target, credentials.createInsecure());
    const answer = await new Promise<{ status: string }>((resolve, reject) =>
      (
        client as unknown as {
          check: (r: object, cb: (e: ServiceError | null, r: { status: string }) => void) => void;
        }
      ).check({ service: 'kinema.catalog.v1.CatalogService' }, (error, response) =>
        error ? reject(error) : resolve(response),
      ),
    );
    client.close();
    expect(answer.status).toBe('SERVING');
  });

  // The gRPC services each process serves (the videos process owns artwork too).
  const SERVED_BY: Record<string, string[]> = {
    catalog: [GRPC_SERVICES.catalog],
    users: [GRPC_SERVICES.users],
    videos: [GRPC_SERVICES.videos, GRPC_SERVICES.artwork],
  };

  it('serves every gRPC service of the contracts in one of the processes', () => {
    expect(Object.values(SERVED_BY).flat().sort()).toEqual(Object.values(GRPC_SERVICES).sort());
  });

  it.each(Object.entries(SERVED_BY))(
    'lists and describes the services of %s through server reflection, as grpcurl does',
    async (name, services) => {
      const reflection = new GrpcReflectionClient(system.supervisor.address(name, 'grpc'));
      try {
        expect(await reflection.listServices()).toEqual(
          [...services, 'grpc.health.v1.Health'].sort(),
        );
        for (const service of services) {
          const files = await reflection.fileContainingSymbol(service);
          const methods = files.flatMap((file) =>
            file.service.flatMap((defined) => defined.method.map((method) => method.name)),
          );
          expect([service, methods.length > 0]).toEqual([service, true]);
        }
      } finally {
        reflection.close();
      }
    },
  );

  it('shows browse rows (playable titles only) and genres', async () => {
    // Rows show only published titles with a ready video: give the most popular movie a clip.
    const [movie] = (await request<Page>(api, '/titles?type=movie&sort=popular&limit=1')).body
      .items;
    const clip = readFileSync(
      resolve(__dirname, '../../../tools/media/samples/bars-faststart.mp4'),
    );
    const uploaded = await fetch(`${api}/titles/${movie.id}/video`, {
      method: 'POST',
      headers: { ...asAdmin, 'content-type': 'video/mp4' },
      body: clip,
    });
    expect(uploaded.status).toBe(201);
    const browse = await eventually(
      async () => {
        const answer = await request<{
          rows: Array<{ id: string; items: Array<TitleItem & { playable: boolean }> }>;
        }>(api, '/browse?rowLimit=5');
        expect(answer.body.rows.flatMap((r) => r.items).map((t) => t.id)).toContain(movie.id);
        return answer;
      },
      30_000,
      250,
    );
    expect(browse.status).toBe(200);
    expect(browse.body.rows.map((r) => r.id)).toEqual(expect.arrayContaining(['popular']));
    expect(browse.body.rows.every((r) => r.items.length <= 5)).toBe(true);
    expect(browse.body.rows.every((r) => r.items.every((t) => t.playable))).toBe(true);
    const genres = await request<{ items: Array<{ slug: string }> }>(api, '/genres');
    expect(genres.body.items.map((g) => g.slug)).toContain('drama');
  });
});

describe('bad input gets a clear 4xx and changes nothing', () => {
  it.each([
    ['/titles/not-a-uuid', 400, 'id'],
    ['/titles?limit=0', 400, 'limit'],
    ['/titles?limit=1000', 400, 'limit'],
    ['/titles?limit=abc', 400, 'limit'],
    ['/titles?cursor=bm90LWEtY3Vyc29y', 400, 'cursor'],
    ['/titles?genre=no-such-genre', 400, 'genre'],
    [`/titles?q=${'x'.repeat(10_000)}`, 400, 'q'],
    ['/titles?colour=red', 400, 'colour'],
  ])('GET %s -> %i naming %s', async (path, status, field) => {
    expectProblem(await request(api, path), status, field);
  });

  it('rejects a truncated cursor', async () => {
    const { body } = await request<Page>(api, '/titles?limit=2');
    expectProblem(
      await request(api, `/titles?limit=2&cursor=${(body.nextCursor ?? '').slice(0, -4)}`),
      400,
      'cursor',
    );
  });

  it('answers 404 problem+json for an unknown route and for an unknown title', async () => {
    expectProblem(await request(system.gatewayUrl, '/no/such/route'), 404);
    expectProblem(await request(api, '/titles/00000000-0000-4000-8000-000000000000'), 404);
  });

  it('rejects malformed JSON and a wrong Content-Type without creating anything', async () => {
    const before = (await walk('limit=100')).length;
    const malformed = await request(api, '/titles', {
      method: 'POST',
      headers: { ...asAdmin, 'content-type': 'application/json' },
      body: '{"slug":',
    });
    expectProblem(malformed, 400);
    const wrongType = await request(api, '/titles', {
      method: 'POST',
      headers: { ...asAdmin, 'content-type': 'text/plain' },
      body: JSON.stringify(validTitle('wrong-type')),
    });
    expectProblem(wrongType, 415);
    const invalid = await request(api, '/titles', {
      method: 'POST',
      headers: { ...asAdmin, 'content-type': 'application/json' },
      body: JSON.stringify({
        ...validTitle('bad-year'),
        releaseYear: 1200,
        genres: ['no-such-genre'],
      }),
    });
    expectProblem(invalid, 400, 'releaseYear');
    expect((await walk('limit=100')).length).toBe(before);
  });

  it('creates, then refuses a duplicate slug (409) and a stale If-Match (412)', async () => {
    const created = await request<TitleItem>(api, '/titles', {
      method: 'POST',
      headers: { ...asAdmin, 'content-type': 'application/json' },
      body: JSON.stringify(validTitle('e2e-concurrency')),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/api/v1/titles/${created.body.id}`);
    const etag = created.headers.get('etag') ?? '';

    const duplicate = await request(api, '/titles', {
      method: 'POST',
      headers: { ...asAdmin, 'content-type': 'application/json' },
      body: JSON.stringify(validTitle('e2e-concurrency')),
    });
    expectProblem(duplicate, 409);

    const patched = await request<TitleItem>(api, `/titles/${created.body.id}`, {
      method: 'PATCH',
      headers: { ...asAdmin, 'content-type': 'application/merge-patch+json', 'if-match': etag },
      body: JSON.stringify({ name: 'E2E renamed' }),
    });
    expect(patched.status).toBe(200);
    expect(patched.body.name).toBe('E2E renamed');

    const stale = await request(api, `/titles/${created.body.id}`, {
      method: 'PUT',
      headers: { ...asAdmin, 'content-type': 'application/json', 'if-match': etag },
      body: JSON.stringify({ ...validTitle('e2e-concurrency'), name: 'Lost update' }),
    });
    expectProblem(stale, 412);
    const current = await request<TitleItem>(api, `/titles/${created.body.id}`);
    expect(current.body.name).toBe('E2E renamed');

    const removed = await fetch(`${api}/titles/${created.body.id}`, {
      method: 'DELETE',
      headers: { ...asAdmin, 'if-match': patched.headers.get('etag') ?? '' },
    });
    expect(removed.status).toBe(204);
    expect((await request(api, `/titles/${created.body.id}`)).status).toBe(404);
  });
});

describe('the gateway cache', () => {
  /** Whether the catalog answered (x-served-by names it) or the gateway's cache did. */
  const fromCatalog = (response: { headers: Headers }) =>
    (response.headers.get(SERVED_BY_METADATA) ?? '').split(', ').length > 1;

  it('shows a change to one title at once in every list that shows it, and keeps the other entries', async () => {
    const created = await request<TitleItem>(api, '/titles', {
      method: 'POST',
      headers: { ...asAdmin, 'content-type': 'application/json' },
      body: JSON.stringify({ ...validTitle('e2e-cache'), name: 'Quillwater Crossing' }),
    });
    expect(created.status).toBe(201);
    const showing = [
      `/titles/${created.body.id}`,
      '/titles?q=quillwat',
      '/titles?genre=drama&yearFrom=2024&yearTo=2024&limit=100',
    ];
    // No title is a comedy from 1901: no change in this test can concern this list.
    const unrelated = '/titles?genre=comedy&yearFrom=1901&yearTo=1901';
    for (const path of [...showing, unrelated]) await request(api, path);
    expect(fromCatalog(await request(api, unrelated))).toBe(false);

    const patched = await request<TitleItem>(api, `/titles/${created.body.id}`, {
      method: 'PATCH',
      headers: {
        ...asAdmin,
        'content-type': 'application/merge-patch+json',
        'if-match': created.headers.get('etag') ?? '',
      },
      body: JSON.stringify({ name: 'Quillwater Returns' }),
    });
    expect(patched.status).toBe(200);

    const detail = await request<TitleItem>(api, showing[0] ?? '');
    expect(detail.body.name).toBe('Quillwater Returns');
    for (const path of showing.slice(1)) {
      const page = await request<Page>(api, path);
      expect(page.body.items.find((item) => item.id === created.body.id)?.name).toBe(
        'Quillwater Returns',
      );
    }
    expect(fromCatalog(await request(api, unrelated))).toBe(false);
  });
});

describe('drafts', () => {
  it('an admin reads a draft by id and lists drafts; nobody else sees them', async () => {
    const draft = await request<TitleItem & { availability: string }>(api, '/titles', {
      method: 'POST',
      headers: { ...asAdmin, 'content-type': 'application/json' },
      body: JSON.stringify({ ...validTitle('e2e-draft'), availability: 'draft' }),
    });
    expect(draft.status).toBe(201);

    const asEditor = await request<TitleItem & { availability: string }>(
      api,
      `/titles/${draft.body.id}`,
      { headers: asAdmin },
    );
    expect(asEditor.status).toBe(200);
    expect(asEditor.body.availability).toBe('draft');
    // A draft is never stored by a shared cache.
    expect(asEditor.headers.get('cache-control')).toMatch(/private/);
    expect((await request(api, `/titles/${draft.body.id}`)).status).toBe(404);

    const drafts = await request<Page>(api, '/titles?availability=draft&limit=100', {
      headers: asAdmin,
    });
    expect(drafts.status).toBe(200);
    expect(drafts.body.items.map((title) => title.id)).toContain(draft.body.id);
    expect(
      drafts.body.items.every((t) => (t as { availability?: string }).availability === 'draft'),
    ).toBe(true);
    const everything = await request<Page>(api, `/titles?availability=all&q=e2e%20draft`, {
      headers: asAdmin,
    });
    expect(everything.body.items.map((title) => title.id)).toContain(draft.body.id);
    expect((await walk('limit=100')).map((title) => title.id)).not.toContain(draft.body.id);

    expectProblem(await request(api, '/titles?availability=draft'), 401);
    const viewer = await request<{ tokens: { accessToken: string } }>(api, '/auth/register', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'e2e-drafts@example.com', password: 'correct horse battery' }),
    });
    const asViewer = { authorization: `Bearer ${viewer.body.tokens.accessToken}` };
    expectProblem(await request(api, '/titles?availability=all', { headers: asViewer }), 403);
    expect((await request(api, `/titles/${draft.body.id}`, { headers: asViewer })).status).toBe(
      404,
    );
  });
});

describe('events', () => {
  it('a title created through the gateway yields a TitleCreated that a plain kafkajs consumer at the printed broker receives', async () => {
    const kafka = kafkaClient({
      clientId: 'e2e',
      brokers: [system.kafkaBrokers],
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({
      groupId: `e2e-${Date.now()}`,
      sessionTimeout: 6_000,
      heartbeatInterval: 500,
    });
    const types = new Map<string, string[]>();
    await consumer.connect();
    await consumer.subscribe({ topic: 'catalog.titles.v1', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const key = String(message.key);
        types.set(key, [...(types.get(key) ?? []), String(message.headers?.['ce_type'])]);
      },
    });
    try {
      const created = await request<TitleItem>(api, '/titles', {
        method: 'POST',
        headers: { ...asAdmin, 'content-type': 'application/json' },
        body: JSON.stringify(validTitle('e2e-evented')),
      });
      expect(created.status).toBe(201);
      await eventually(async () =>
        expect(types.get(created.body.id)).toEqual([
          'kinema.catalog.v1.TitleCreated',
          'kinema.catalog.v1.TitlePublished',
        ]),
      );
    } finally {
      await consumer.disconnect();
    }
  });
});

describe('when the catalog is down', () => {
  it('answers 503 with Retry-After at once instead of hanging, and recovers when it is back', async () => {
    await system.supervisor.kill('catalog');
    const down = await request(api, '/titles?limit=1');
    expectProblem(down, 503);
    expect(down.headers.get('retry-after')).toBeTruthy();
    await system.restart('catalog');
    // The gateway's channel reconnects with backoff (at most 5 s between attempts).
    await eventually(async () => expect((await request(api, '/titles?limit=1')).status).toBe(200));
  });
});
