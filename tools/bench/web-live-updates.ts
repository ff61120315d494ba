// What an idle home page costs the API while the catalog changes: a signed-in viewer's tab sits
// on the home page in headless Chromium while an admin changes 100 titles over 30 s, once with the
// tab in view and once hidden; prints the requests the tab made.
//   npx nx run-many -t build && npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/web-live-updates.ts [--titles 100] [--seconds 30] [--url http://localhost:3000]
import type { Page } from '@playwright/test';
import { parseArgs } from 'node:util';
import { runScript } from '@kinema/dev-infra';
import { countApiRequests, launchChromium, signInNewViewer, webSystem } from './lib/web-browser';

interface Title {
  id: string;
  synopsis: string;
  version: number;
}

/** The admin's API, for changing titles as an editor would. */
async function adminClient(url: string, admin: { email: string; password: string }) {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(admin),
  });
  const { tokens } = (await login.json()) as { tokens: { accessToken: string } };
  const headers = { authorization: `Bearer ${tokens.accessToken}` };
  return {
    async titles(count: number): Promise<Title[]> {
      const answer = await fetch(`${url}/api/v1/titles?sort=name&limit=${count}`, { headers });
      return ((await answer.json()) as { items: Title[] }).items;
    },
    /** A change of synopsis: the title stays in the rows it was in. */
    async touch(title: Title, round: number): Promise<void> {
      const current = (await (
        await fetch(`${url}/api/v1/titles/${title.id}`, { headers })
      ).json()) as Title;
      const answer = await fetch(`${url}/api/v1/titles/${title.id}`, {
        method: 'PATCH',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'if-match': `"${current.version}"`,
        },
        body: JSON.stringify({ synopsis: `${title.synopsis} (${round})` }),
      });
      if (!answer.ok) throw new Error(`PATCH ${title.id}: ${answer.status}`);
    },
  };
}

/** The little of the DOM read in the page (this project's types are Node's). */
interface PageElement {
  textContent: string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  getAttribute(name: string): string | null;
}

/** Which rows of the home page show each title. */
async function rowsOnPage(page: Page): Promise<Map<string, Set<string>>> {
  const shown = await page.locator('main section.row').evaluateAll((rows) =>
    (rows as unknown as PageElement[]).map((row) => ({
      row: row.querySelector('h2')?.textContent ?? '',
      ids: Array.from(row.querySelectorAll('a[href^="/title/"]')).map(
        (link) => link.getAttribute('href')?.split('/')[2] ?? '',
      ),
    })),
  );
  const rows = new Map<string, Set<string>>();
  for (const { row, ids } of shown)
    for (const id of ids) rows.set(id, (rows.get(id) ?? new Set()).add(row));
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      titles: { type: 'string', default: '100' },
      seconds: { type: 'string', default: '30' },
      url: { type: 'string' },
    },
  });
  const count = Number(values.titles);
  const spacingMs = (Number(values.seconds) * 1000) / count;
  const system = await webSystem(values.url, 500);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({
      baseURL: system.url,
      viewport: { width: 1440, height: 900 },
    });
    await signInNewViewer(page);
    const admin = await adminClient(system.url, system.admin);
    const rows = await rowsOnPage(page);
    // The titles shown on the page, then others in name order: 100 changed titles in all.
    const listed = await admin.titles(100);
    const shownIds = [...rows.keys()];
    const changed = [
      ...shownIds.slice(0, Math.min(20, count)).map((id) => ({ id, synopsis: '', version: 0 })),
      ...listed.filter((title) => !rows.has(title.id)),
    ].slice(0, count);
    for (const title of changed) {
      const full = (await (await fetch(`${system.url}/api/v1/titles/${title.id}`)).json()) as Title;
      title.synopsis = full.synopsis;
    }
    const visibleRows = new Set(changed.flatMap((title) => [...(rows.get(title.id) ?? [])]));
    const api = countApiRequests(page);

    const changeAll = async (round: number) => {
      for (const title of changed) {
        const started = Date.now();
        await admin.touch(title, round);
        await new Promise((resolve) =>
          setTimeout(resolve, Math.max(0, spacingMs - (Date.now() - started))),
        );
      }
    };
    /** Waits until the page has asked nothing for `quietMs` (its last refetch answered). */
    const settle = async (quietMs = 2_000) => {
      let last = api.count();
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, quietMs));
        if (api.count() === last) return;
        last = api.count();
      }
    };

    api.reset();
    await changeAll(1);
    await settle();
    const visible = api.count();

    // Headless Chromium keeps every page visible (another tab in front, a minimised window), so
    // the tab is hidden as a browser hides it: document.visibilityState and its event.
    // A string, not a function: the page must not need the helpers tsx adds to compiled code.
    const setHidden = (hidden: boolean) =>
      page.evaluate(`(() => {
        Object.defineProperty(document, 'visibilityState', {
          configurable: true,
          get: () => '${hidden ? 'hidden' : 'visible'}',
        });
        document.dispatchEvent(new Event('visibilitychange'));
        return document.visibilityState;
      })()`) as Promise<string>;
    const state = await setHidden(true);
    api.reset();
    await changeAll(2);
    await settle();
    const hidden = api.count();
    await setHidden(false);
    await settle();
    const onReturn = api.count() - hidden;

    process.stdout.write(
      [
        `An idle home tab while ${count} titles change over ${values.seconds} s (${system.url}):`,
        `  changed titles shown on the page: ${changed.filter((title) => rows.has(title.id)).length}, in ${visibleRows.size} of its rows`,
        `  requests while in view:  ${visible} (target: at most ${visibleRows.size}, one per visible changed row)`,
        `  requests while hidden:   ${hidden} (document.visibilityState: ${state}; target 0)`,
        `  requests on coming back: ${onReturn}`,
        '',
      ].join('\n'),
    );
  } finally {
    await browser.close();
    await system.stop();
  }
}

runScript(main);
