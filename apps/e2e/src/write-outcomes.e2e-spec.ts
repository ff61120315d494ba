import { randomUUID } from 'node:crypto';
import type { InjectedFault } from '@kinema/contracts';
import { eventually } from './support/eventually';
import { request, startTestSystem, type TestSystem } from './support/system';

interface Problem {
  status: number;
  code?: string;
  detail?: string;
}

interface TitleItem {
  id: string;
  name: string;
  slug: string;
}

// Past the gateway's 5 s deadline: every catalog write waits on its database longer than that.
const SLOW_DATABASE_MS = 6_000;

/**
 * Writes whose outcome a client cannot see: a retried POST with an Idempotency-Key, and writes
 * that passed their deadline while the catalog's database was slow (the catalog may still apply
 * such a write, or not: the gateway cannot know which).
 */
describe('write outcomes: Idempotency-Key and writes that time out', () => {
  let system: TestSystem;
  let api: string;
  let token: string;

  beforeAll(async () => {
    system = await startTestSystem(5, { RATE_LIMIT_REQUESTS: '1000000' });
    api = `${system.gatewayUrl}/api/v1`;
    const signIn = await request<{ tokens: { accessToken: string } }>(api, '/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(system.plan.admin),
    });
    token = signIn.body.tokens.accessToken;
  });

  afterAll(async () => {
    await system?.dispose();
  });

  const send = <T>(method: string, path: string, body?: unknown, headers = {}) =>
    request<T>(api, path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const read = <T>(path: string) =>
    request<T>(api, path, { headers: { authorization: `Bearer ${token}` } });

  const newTitle = () => {
    const slug = `outcome-${randomUUID().slice(0, 8)}`;
    return {
      slug,
      type: 'movie',
      name: `Outcome ${slug}`,
      releaseYear: 2021,
      runtimeMinutes: 90,
      maturityRating: 'all',
      genres: ['drama'],
    };
  };

  /** Every catalog replica's database answers `latencyMs` late (0: on time again). */
  async function slowCatalogDatabase(latencyMs: number): Promise<void> {
    const fault: InjectedFault = { kind: 'database-latency', latencyMs };
    const replicas = system.fleet.replicas('catalog');
    const applied = new Set<string>();
    const stop = system.supervisor.onMessage((process, message) => {
      if (message.type === 'kinema.fault-applied' && message.applied)
        applied.add(process.spec.name);
    });
    try {
      for (const name of replicas)
        system.supervisor.send(name, { type: 'kinema.inject-fault', fault });
      await eventually(async () => expect([...applied].sort()).toEqual([...replicas].sort()));
    } finally {
      stop();
    }
  }

  it('creates one profile for a POST retried with the same Idempotency-Key', async () => {
    const before = await read<{ items: unknown[] }>('/me/profiles');
    const key = `"${randomUUID()}"`;
    const body = { name: `Retry ${randomUUID().slice(0, 6)}` };
    const first = await send<{ id: string }>('POST', '/me/profiles', body, {
      'idempotency-key': key,
    });
    const retry = await send<{ id: string }>('POST', '/me/profiles', body, {
      'idempotency-key': key,
    });
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const after = await read<{ items: Array<{ id: string }> }>('/me/profiles');
    expect(after.body.items).toHaveLength(before.body.items.length + 1);
    // The same key with another body is refused, and creates nothing either.
    const reused = await send<Problem>(
      'POST',
      '/me/profiles',
      { name: 'Other' },
      { 'idempotency-key': key },
    );
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await read<{ items: unknown[] }>('/me/profiles')).body.items).toHaveLength(
      before.body.items.length + 1,
    );
    await send('DELETE', `/me/profiles/${first.body.id}`);
  });

  it('says a timed-out write may or may not be applied; a keyed POST retried is not applied twice', async () => {
    const created = await send<TitleItem>('POST', '/titles', newTitle());
    expect(created.status).toBe(201);
    const etag = created.headers.get('etag') ?? '';
    const title = newTitle();
    const key = randomUUID();
    await slowCatalogDatabase(SLOW_DATABASE_MS);
    let patch: Awaited<ReturnType<typeof send<Problem>>>;
    let post: Awaited<ReturnType<typeof send<Problem>>>;
    let retry: Awaited<ReturnType<typeof send<Problem>>>;
    try {
      patch = await send<Problem>(
        'PATCH',
        `/titles/${created.body.id}`,
        { name: 'Renamed while slow' },
        { 'content-type': 'application/merge-patch+json', 'if-match': etag },
      );
      post = await send<Problem>('POST', '/titles', title, { 'idempotency-key': key });
      retry = await send<Problem>('POST', '/titles', title, { 'idempotency-key': key });
    } finally {
      await slowCatalogDatabase(0);
    }
    for (const answer of [patch, post]) {
      expect(answer.status).toBe(504);
      expect(answer.body.code).toBe('OUTCOME_UNKNOWN');
      expect(answer.body.detail).toMatch(/may or may not have been applied/);
      expect(answer.headers.get('retry-after')).toBeNull();
    }
    // The retry under the key is told the same, and is not applied a second time.
    expect(retry.status).toBe(504);
    expect(retry.body.code).toBe('OUTCOME_UNKNOWN');
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    // What the problem said: a re-read finds out, and shows the write whole or not at all.
    const now = await read<TitleItem>(`/titles/${created.body.id}`);
    expect(now.status).toBe(200);
    expect([created.body.name, 'Renamed while slow']).toContain(now.body.name);
    // However the first attempt ended, the retry under its key did not add a second title.
    const page = await read<{ items: TitleItem[] }>('/titles?limit=50');
    expect(page.body.items.filter((item) => item.slug === title.slug).length).toBeLessThanOrEqual(
      1,
    );
  }, 120_000);
});
