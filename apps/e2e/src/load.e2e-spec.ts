import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { controlSocketPath, seedDemoVideos, serveControlSocket } from '@kinema/dev-infra';
import { eventually } from './support/eventually';
import { request, startTestSystem, type TestSystem } from './support/system';

const KINEMA = resolve(__dirname, '../../../libs/dev-infra/dist/launcher/kinema.js');

interface Page {
  items: Array<{ id: string; name: string }>;
  nextCursor: string | null;
}

/** Runs `kinema` as a user would (output to a pipe, not a terminal); its exit code and output. */
function kinema(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [KINEMA, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.once('error', fail);
    child.once('close', (code) => done({ code, stdout, stderr }));
  });
}

/** The cells of a route's row in the summary table (after the route). */
function summaryRow(stdout: string, route: string): string[] | undefined {
  const summary = stdout.slice(stdout.indexOf('\nSummary:'));
  const line = summary.split('\n').find((l) => l.startsWith(`${route} `));
  return line?.slice(route.length).trim().split(/\s+/);
}

/** Requests of the first of these routes found in the summary (a movie's or an episode's). */
function requestsOf(stdout: string, ...routes: string[]): number {
  return routes.reduce((sum, route) => sum + Number(summaryRow(stdout, route)?.[0] ?? 0), 0);
}

describe('kinema load against a running system', () => {
  let system: TestSystem;
  let control: Server;
  let dataDir: string;

  const titleNames = async (): Promise<Map<string, string>> => {
    const names = new Map<string, string>();
    let cursor: string | null = '';
    while (cursor !== null) {
      const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
      const page: Page = (
        await request<Page>(system.gatewayUrl, `/api/v1/titles?limit=100${query}`)
      ).body;
      for (const title of page.items) names.set(title.id, title.name);
      cursor = page.nextCursor;
    }
    return names;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kinema-load-'));
    system = await startTestSystem(40, {}, { dataDir });
    // `kinema load` finds the gateway and the development admin through the control socket.
    control = await serveControlSocket(controlSocketPath(dataDir), system, () => () => undefined);
    // What npm start does: sample clips on the top titles, so the home page has titles to play.
    await seedDemoVideos(system.gatewayUrl, system.plan.admin, 1);
    await eventually(async () => {
      const browse = await request<{ rows: Array<{ items: unknown[] }> }>(
        system.gatewayUrl,
        '/api/v1/browse',
      );
      expect(browse.body.rows.some((row) => row.items.length > 0)).toBe(true);
    });
  }, 240_000);

  afterAll(async () => {
    control?.close();
    await system?.dispose();
  });

  it('runs viewers and the admin for 20 s, prints the table and a summary with no errors, and leaves every title its name', async () => {
    const before = await titleNames();
    const { code, stdout, stderr } = await kinema([
      'load',
      '--duration',
      '20s',
      '--users',
      '5',
      '--ramp',
      '2s',
      '--think',
      '300ms..1s',
      '--seed',
      '1',
      '--data-dir',
      dataDir,
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });

    // The live table, printed interval after interval on a pipe.
    expect(stdout).toContain(`5 viewers + admin against ${system.gatewayUrl}`);
    expect(stdout).toMatch(/^route\s+req\/s\s+requests\s+errors\s+limited\s+p50\s+p99$/m);
    expect(stdout).toMatch(/^total\s+\d+\.\d\s+\d+\s+0\s+\d+\s+\S+\s+\S+$/m);

    // The summary: what a viewer and the admin did, route by route, without a 5xx.
    expect(stdout).toMatch(
      /^route\s+requests\s+errors\s+limited\s+other 4xx\s+p50\s+p90\s+p99\s+max$/m,
    );
    for (const route of [
      'POST /api/v1/auth/login',
      'GET /api/v1/me/profiles',
      'GET /api/v1/browse',
      'GET /api/v1/titles',
      'GET /api/v1/titles/{id}',
      'PATCH /api/v1/titles/{id}',
    ]) {
      expect([route, requestsOf(stdout, route) > 0]).toEqual([route, true]);
    }
    expect(
      requestsOf(
        stdout,
        'POST /api/v1/titles/{id}/playback',
        'POST /api/v1/titles/{id}/episodes/{episodeId}/playback',
      ),
    ).toBeGreaterThan(0);
    expect(
      requestsOf(
        stdout,
        'GET /api/v1/titles/{id}/stream',
        'GET /api/v1/titles/{id}/episodes/{episodeId}/stream',
      ),
    ).toBeGreaterThan(0);
    expect(
      requestsOf(stdout, 'PUT /api/v1/me/profiles/{profileId}/progress/{titleId}'),
    ).toBeGreaterThan(0);
    expect(summaryRow(stdout, 'total')?.[1]).toBe('0');
    expect(stdout).toContain('Failed requests (5xx or no answer): none');
    expect(stdout).toMatch(
      /^\d+ requests, 0 errors, \d+ limited in 2\d\.\ds \(\d+\.\d requests\/s\)$/m,
    );

    // The admin renamed titles and gave each its name back.
    const admin = /^Admin: (\d+) titles? renamed, (\d+) renamed back$/m.exec(stdout);
    expect(Number(admin?.[1])).toBeGreaterThan(0);
    expect(admin?.[2]).toBe(admin?.[1]);
    // The gateway's cache drops a title's pages when its change event arrives.
    await eventually(async () => expect(await titleNames()).toEqual(before));
  }, 120_000);

  it('says clearly when no gateway answers at the target, and exits 1', async () => {
    const { code, stdout } = await kinema([
      'load',
      '--target',
      'http://127.0.0.1:9',
      '--duration',
      '1s',
    ]);
    expect(code).toBe(1);
    expect(stdout).toContain('no Kinema gateway answers at http://127.0.0.1:9');
  });
});
