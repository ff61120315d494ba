import { setTimeout } from 'node:timers/promises';
import { RENAME_MARK } from './admin-scenario';
import type { LoadOptions } from './config';
import { runLoad } from './load-run';
import { FakeGateway, json, type SeenRequest } from './testing/fake-gateway';
import { RANGE_BYTES } from './viewer-scenario';

const ADMIN = { email: 'admin@example.com', password: 'admin-password' };

function options(overrides: Partial<LoadOptions> = {}): LoadOptions {
  return {
    target: 'http://gateway.test',
    users: 1,
    durationMs: 0,
    rampMs: 0,
    think: { minMs: 100, maxMs: 900 },
    seed: 42,
    seedChosen: false,
    viewerPassword: 'viewer-password',
    waitMs: 0,
    intervalMs: 2000,
    ...overrides,
  };
}

/** Runs against the fake until it has seen `requests` requests; the exit code and the output. */
async function run(
  fake: FakeGateway,
  requests: number,
  overrides: Partial<LoadOptions> = {},
): Promise<{ code: number; output: string }> {
  const out: string[] = [];
  const code = await runLoad(options(overrides), {
    out: { write: (text) => out.push(text), isTTY: false },
    transport: fake.transport,
    stop: fake.stopAfter(requests),
    force: new AbortController().signal,
  });
  return { code, output: out.join('') };
}

/** The summary table's row of a route, its cells split. */
function summaryRow(output: string, route: string): string[] {
  const summary = output.slice(output.indexOf('Summary:'));
  const line = summary.split('\n').find((l) => l.startsWith(`${route} `));
  if (!line) throw new Error(`no summary row for ${route} in\n${summary}`);
  return line.slice(route.length).trim().split(/\s+/);
}

describe('a run against the gateway', () => {
  it('makes the same choices with the same seed, and others with another seed', async () => {
    const first = new FakeGateway();
    const again = new FakeGateway();
    const other = new FakeGateway();
    await run(first, 80, { users: 2 });
    await run(again, 80, { users: 2 });
    await run(other, 80, { users: 2, seed: 43 });
    expect(again.lines()).toEqual(first.lines());
    expect(other.lines()).not.toEqual(first.lines());
  });

  it('uses the routes a viewer of the web app uses, each under its route template', async () => {
    const fake = new FakeGateway();
    const { code, output } = await run(fake, 400, { users: 3 });
    expect(code).toBe(0);
    for (const route of [
      'GET /api/v1/browse',
      'GET /api/v1/titles',
      'GET /api/v1/titles/{id}',
      'POST /api/v1/titles/{id}/playback',
      'GET /api/v1/titles/{id}/stream',
      'PUT /api/v1/me/profiles/{profileId}/progress/{titleId}',
      'PUT /api/v1/me/profiles/{profileId}/list/{titleId}',
      'GET /api/v1/me/profiles/{profileId}/continue-watching',
    ]) {
      expect(Number(summaryRow(output, route)[0])).toBeGreaterThan(0);
    }
    // Search words come from the catalog's own names.
    const searches = fake.lines().filter((line) => line.includes('?q='));
    expect(searches.length).toBeGreaterThan(0);
    for (const search of searches)
      expect(['galaxy', 'drifters', 'night', 'harbour', 'quiet', 'gardens', 'lights']).toEqual(
        expect.arrayContaining([
          expect.stringMatching(new RegExp(`^${search.split('q=')[1]?.split('&')[0]}`)),
        ]),
      );
  });

  it('registers a missing viewer account once, and signs in to it on later runs', async () => {
    const fake = new FakeGateway();
    const first = await run(fake, 20);
    expect(fake.lines().filter((line) => line === 'POST /api/v1/auth/register')).toHaveLength(1);
    // The summary says why sign-in answered 401, so it is not read as a failure.
    expect(first.output).toContain(
      '(1 viewer had no account yet: a sign-in answered 401, then the viewer registered',
    );
    const before = fake.seen.length;
    const second = await run(fake, 20);
    const later = fake.lines().slice(before);
    expect(later).toContain('POST /api/v1/auth/login');
    expect(later).not.toContain('POST /api/v1/auth/register');
    expect(second.output).not.toContain('had no account yet');
  });

  it('registers the viewers after one that had no account at once: one sign-in try each', async () => {
    const fake = new FakeGateway();
    // Viewer 2 already has an account (an earlier, shorter run), viewers 1 and 3 do not.
    fake.accounts.set('load-viewer-2@kinema.local', { password: 'viewer-password', profiles: [] });
    const triesOf = (email: string) =>
      fake.seen
        .filter((request) => /\/auth\/(login|register)$/.test(request.line))
        .filter((request) => (request.body as { email?: string }).email === email)
        .map((request) => request.line.split('/').pop());
    // One viewer a second: each has signed in before the next one starts.
    const { output } = await run(fake, 80, { users: 3, rampMs: 3000 });
    // Viewer 1 learns it has none (401); viewer 3 registers at once, the gateway's limit on
    // sign-ins per address spent on one try where a refused login took another.
    expect(triesOf('load-viewer-1@kinema.local')).toEqual(['login', 'register']);
    expect(triesOf('load-viewer-3@kinema.local')).toEqual(['register']);
    // A wrong guess costs what it did before: viewer 2's account exists (409), so it signs in.
    expect(triesOf('load-viewer-2@kinema.local')).toEqual(['register', 'login']);
    expect(output).toContain('(2 viewers had no account yet');
  });

  it('refreshes the access token before it expires: no request carries an expired one', async () => {
    const fake = new FakeGateway();
    fake.tokenLifetimeMs = 120_000;
    await run(fake, 80, { think: { minMs: 10_000, maxMs: 30_000 } });
    const refreshes = fake.lines().filter((line) => line === 'POST /api/v1/auth/refresh');
    expect(refreshes.length).toBeGreaterThanOrEqual(2);
    const ages = fake.seen.flatMap((request) => {
      const token = request.headers.get('authorization')?.replace('Bearer ', '');
      const issued = token ? fake.issued.get(token) : undefined;
      return issued === undefined ? [] : [request.atMs - issued];
    });
    expect(ages.length).toBeGreaterThan(40);
    expect(Math.max(...ages)).toBeLessThan(120_000);
    // Refreshed, never signed in again.
    expect(fake.lines().filter((line) => line === 'POST /api/v1/auth/login')).toHaveLength(1);
  });

  it('waits out a 429 as long as Retry-After says, counted as limited, not as an error', async () => {
    const fake = new FakeGateway();
    let refused = false;
    fake.interceptor = (request) => {
      if (refused || request.line !== 'POST /api/v1/auth/login') return undefined;
      refused = true;
      return json(429, {}, { 'retry-after': '7' });
    };
    const { output } = await run(fake, 30);
    const logins = fake.seen.filter((request) => request.line === 'POST /api/v1/auth/login');
    expect((logins[1]?.atMs ?? 0) - (logins[0]?.atMs ?? 0)).toBeGreaterThanOrEqual(7000);
    const [requests, errors, limited] = summaryRow(output, 'POST /api/v1/auth/login');
    expect({ requests, errors, limited }).toEqual({ requests: '2', errors: '0', limited: '1' });
  });

  it('says how many viewers never signed in, and why, when sign-ins were limited until it stopped', async () => {
    const fake = new FakeGateway();
    fake.interceptor = (request) =>
      request.line === 'POST /api/v1/auth/login'
        ? json(429, {}, { 'retry-after': '30' })
        : undefined;
    const { code, output } = await run(fake, 8, { users: 3 });
    expect(code).toBe(0);
    expect(output).toContain(
      "3 of 3 viewers never signed in: they waited their turn behind the gateway's limit on sign-ins per address",
    );

    const unlimited = await run(new FakeGateway(), 40, { users: 3 });
    expect(unlimited.output).not.toContain('never signed in');
  });

  it('plays as a <video> does: the grant URL, Range reads of a bounded size, the position saved', async () => {
    const fake = new FakeGateway();
    await run(fake, 300);
    const reads = fake.seen.filter((request) => request.line.includes('/stream?grant='));
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) {
      expect(read.headers.get('authorization')).toBeNull();
      const [, from, to] = /^bytes=(\d+)-(\d+)$/.exec(read.headers.get('range') ?? '') ?? [];
      expect(Number(to) - Number(from) + 1).toBeLessThanOrEqual(RANGE_BYTES);
    }
    const saved = fake.seen.filter((request) => request.line.includes('/progress/'));
    expect(saved.length).toBeGreaterThan(0);
    for (const { body } of saved) {
      const { positionSeconds, durationSeconds } = body as Record<string, number>;
      expect(Number.isInteger(positionSeconds) && Number.isInteger(durationSeconds)).toBe(true);
      expect(positionSeconds).toBeLessThan(durationSeconds ?? 0);
    }
  });

  it('has the admin rename a title and rename it back, even when the run stops in between', async () => {
    const fake = new FakeGateway();
    const names = fake.titles.map((title) => title.name);
    fake.interceptor = (request) => {
      if (request.line.startsWith('PATCH ')) fake.stopNow();
      return undefined;
    };
    const { output } = await run(fake, Number.POSITIVE_INFINITY, { admin: ADMIN });
    expect(fake.lines().filter((line) => line.startsWith('PATCH '))).toHaveLength(2);
    expect(fake.titles.map((title) => title.name)).toEqual(names);
    expect(output).toContain('Admin: 1 title renamed, 1 renamed back');
  });

  it('lets a rename in flight when the run stops be answered, and renames the title back', async () => {
    const fake = new FakeGateway();
    const names = fake.titles.map((title) => title.name);
    let held: Promise<Response> | undefined;
    fake.interceptor = (request) => {
      if (held || !request.line.startsWith('PATCH ')) return undefined;
      // The run stops while the gateway is still making the rename: it makes it a moment later,
      // after a read of the title would already have been answered with the old name.
      fake.stopNow();
      held = new Promise((answer) => setImmediate(() => answer(fake.handle(request))));
      return held;
    };
    const { output } = await run(fake, Number.POSITIVE_INFINITY, { admin: ADMIN });
    await held;
    expect(fake.titles.map((title) => title.name)).toEqual(names);
    expect(output).toContain('Admin: 1 title renamed, 1 renamed back');
  });

  it('settles a rename whose answer was lost as the run stopped, and renames the title back', async () => {
    const fake = new FakeGateway();
    const names = fake.titles.map((title) => title.name);
    let cut = false;
    fake.interceptor = (request) => {
      if (cut || !request.line.startsWith('PATCH ')) return undefined;
      cut = true;
      // The gateway renames the title; the run stops before its answer has arrived.
      const renamed = fake.handle(request);
      fake.stopNow();
      const lost = new ReadableStream({ start: (body) => body.error(new Error('aborted')) });
      return new Response(lost, { status: renamed.status, headers: renamed.headers });
    };
    const { output } = await run(fake, Number.POSITIVE_INFINITY, { admin: ADMIN });
    expect(fake.titles.map((title) => title.name)).toEqual(names);
    expect(output).toContain('Admin: 1 title renamed, 1 renamed back');
  });

  it('makes a rename whose answer was lost, never made, once by sending it again, and renames it back', async () => {
    const fake = new FakeGateway();
    const names = fake.titles.map((title) => title.name);
    let lost = false;
    fake.interceptor = (request) => {
      if (lost || !request.line.startsWith('PATCH ')) return undefined;
      lost = true;
      fake.stopNow();
      return new Response(new ReadableStream({ start: (body) => body.error(new Error('lost')) }));
    };
    const { output } = await run(fake, Number.POSITIVE_INFINITY, { admin: ADMIN });
    expect(fake.titles.map((title) => title.name)).toEqual(names);
    // The lost one, the same one again (made), the rename back.
    expect(fake.lines().filter((line) => line.startsWith('PATCH '))).toHaveLength(3);
    expect(output).toContain('Admin: 1 title renamed, 1 renamed back');
    expect(output).not.toContain('left renamed:');
  });

  it('leaves no title renamed when a rename whose answer was lost is made after the next request about it was answered', async () => {
    const fake = new FakeGateway();
    const names = fake.titles.map((title) => title.name);
    let late: SeenRequest | undefined;
    let made: Response | undefined;
    fake.interceptor = (request) => {
      if (made) return undefined;
      if (!late) {
        if (!request.line.startsWith('PATCH ')) return undefined;
        // The answer is lost; the rename is still on its way to the catalog.
        late = request;
        fake.stopNow();
        return new Response(new ReadableStream({ start: (body) => body.error(new Error('lost')) }));
      }
      if (request.line.split(' ')[1] !== late.line.split(' ')[1]) return undefined;
      // The next request about the title is answered first; then the rename arrives.
      const answer = fake.handle(request);
      made = fake.handle(late);
      return answer;
    };
    const { output } = await run(fake, Number.POSITIVE_INFINITY, { admin: ADMIN });
    expect(made).toBeDefined();
    expect(fake.titles.map((title) => title.name)).toEqual(names);
    expect(output).toContain('Admin: 1 title renamed, 1 renamed back');
    expect(output).not.toContain('left renamed:');
  });

  it('reads a title again after a stale If-Match (412) and retries, not counting an error', async () => {
    const fake = new FakeGateway();
    let conflicts = 0;
    fake.interceptor = (request) => {
      if (!request.line.startsWith('PATCH ') || conflicts > 0) return undefined;
      conflicts += 1;
      return json(412, {});
    };
    const { output } = await run(fake, 200, { admin: ADMIN });
    const [requests, errors, , refused] = summaryRow(output, 'PATCH /api/v1/titles/{id}');
    expect(Number(requests)).toBeGreaterThanOrEqual(3);
    expect({ errors, refused }).toEqual({ errors: '0', refused: '1' });
    expect(output).toMatch(/PATCH \/api\/v1\/titles\/\{id\}\s+412 x1/);
    expect(fake.titles.every((title) => !title.name.endsWith(RENAME_MARK))).toBe(true);
  });

  it('reads a title again while a read after a 412 still carries the refused ETag (a gateway replica not yet told of the change)', async () => {
    const fake = new FakeGateway();
    let staleUntilMs: number | undefined;
    let stale: { path: string; body: unknown; etag: string } | undefined;
    const conflict = async (request: SeenRequest, path: string) => {
      // Someone else changed the title just before (its name stays as it was).
      const before = await fake.handle({ ...request, line: `GET ${path}`, body: undefined });
      stale = { path, body: await before.json(), etag: before.headers.get('etag') ?? '' };
      const title = fake.titles.find((candidate) => path.endsWith(candidate.id));
      if (title) title.version += 1;
      // The replica the reads reach hears of it 250 ms later (the fake's clock moves with pauses).
      staleUntilMs = request.atMs + 250;
      return json(412, {});
    };
    fake.interceptor = (request) => {
      const [method, path = ''] = request.line.split(' ');
      if (method === 'PATCH' && !stale) return conflict(request, path);
      if (method === 'GET' && stale && path === stale.path && request.atMs < (staleUntilMs ?? 0)) {
        return json(200, stale.body, { etag: stale.etag });
      }
      return undefined;
    };
    const { output } = await run(fake, 200, { admin: ADMIN });
    expect(output).toMatch(/PATCH \/api\/v1\/titles\/\{id\}\s+412 x1\b/);
    expect(output).toMatch(/Admin: \d+ titles? renamed, \d+ renamed back/);
    expect(output).not.toContain('Admin: 0 titles renamed');
    expect(output).not.toContain('left renamed:');
  });

  it('gives back their names to titles an earlier, killed run left renamed', async () => {
    const fake = new FakeGateway();
    const names = fake.titles.map((title) => title.name);
    for (const title of fake.titles) title.name += RENAME_MARK;
    const { output } = await run(fake, 60, { admin: ADMIN });
    expect(output).toMatch(/left renamed by an earlier run given their names back/);
    expect(fake.titles.some((title, i) => title.name === names[i])).toBe(true);
  });

  it('counts a 5xx as an error and names it, with its trace id, in the summary', async () => {
    const fake = new FakeGateway();
    let failed = false;
    fake.interceptor = (request) => {
      if (failed || request.line !== 'GET /api/v1/browse') return undefined;
      failed = true;
      return json(500, {}, { 'x-trace-id': '4bf92f3577b34da6a3ce929d0e0e4736' });
    };
    const { output } = await run(fake, 40);
    expect(summaryRow(output, 'GET /api/v1/browse')[1]).toBe('1');
    expect(output).toMatch(
      /Failed requests \(5xx or no answer\): 1; the first 1:\n.*GET \/api\/v1\/browse\s+500.*trace 4bf92f3577b34da6a3ce929d0e0e4736/,
    );
  });

  it('says no gateway answers, and exits 1, when nothing answers at the target', async () => {
    const fake = new FakeGateway();
    fake.transport.fetch = () =>
      Promise.reject(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }));
    const { code, output } = await run(fake, 10);
    expect(code).toBe(1);
    expect(output).toContain('no Kinema gateway answers at http://gateway.test (ECONNREFUSED)');
  });

  it('lasts its whole duration by the clock that times it, even where timers run ahead of it', async () => {
    const fake = new FakeGateway();
    const out: string[] = [];
    // The run's clock passes at half the rate of the timers': a run that trusted a timer alone
    // would end at half its duration by that clock.
    const code = await runLoad(options({ durationMs: 1000, think: { minMs: 100, maxMs: 200 } }), {
      out: { write: (text) => out.push(text), isTTY: false },
      transport: {
        fetch: fake.transport.fetch,
        pause: (ms, signal) => setTimeout(ms, undefined, { signal }),
        now: () => performance.now() / 2,
      },
      stop: new AbortController().signal,
      force: new AbortController().signal,
    });
    expect(code).toBe(0);
    const seconds = /requests, \d+ errors, \d+ limited in (\d+\.\d)s/.exec(out.join(''))?.[1];
    expect(Number(seconds)).toBeGreaterThanOrEqual(1);
  });
});
