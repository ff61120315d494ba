// How the web app's home page loads on a warm start, in headless Chromium (Debian's; apt-get
// install chromium), signed in as a new viewer: API requests per load, largest contentful paint,
// the first row on screen, and the JavaScript it downloads.
//   npx nx run-many -t build && npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/web-home.ts [--loads 10] [--url http://localhost:3000]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { REPO_ROOT, runScript } from '@kinema/dev-infra';
import {
  countApiRequests,
  launchChromium,
  percentile,
  signInNewViewer,
  webSystem,
} from './lib/web-browser';

interface Load {
  requests: number;
  /** Response end of index.html, from navigation start. */
  html: number;
  /** Largest contentful paint (the featured title's backdrop, as a rule). */
  lcp: number;
  /** The first poster of the first row on screen: what a person waits for. */
  rows: number;
  /** JavaScript bytes the page fetched over the network (0 once cached). */
  jsTransferred: number;
}

async function measure(url: string, loads: number): Promise<Load[]> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ baseURL: url, viewport: { width: 1440, height: 900 } });
    await signInNewViewer(page);
    const api = countApiRequests(page);
    const firstPoster = page.locator('main section.row a').first();
    const results: Load[] = [];
    // The first reload warms the browser's cache and the gateway's; it is not counted.
    for (let i = 0; i <= loads; i += 1) {
      api.reset();
      await page.reload();
      await firstPoster.waitFor();
      const timing = await page.evaluate(async () => {
        // Runs in the page; this project's types are Node's, so the DOM entries are described here.
        const timeline = performance as unknown as {
          getEntriesByType(type: 'navigation'): Array<{ responseEnd: number }>;
          getEntriesByType(
            type: 'resource',
          ): Array<{ initiatorType: string; name: string; transferSize: number }>;
        };
        const observerType = (globalThis as unknown as { PerformanceObserver: ObserverType })
          .PerformanceObserver;
        type ObserverType = new (
          callback: (list: { getEntries(): Array<{ startTime: number }> }) => void,
        ) => { observe(options: { type: string; buffered: boolean }): void; disconnect(): void };
        const lcp = await new Promise<number>((resolve) => {
          const observer = new observerType((list) => {
            const entries = list.getEntries();
            observer.disconnect();
            resolve(entries[entries.length - 1]?.startTime ?? 0);
          });
          observer.observe({ type: 'largest-contentful-paint', buffered: true });
        });
        const js = timeline
          .getEntriesByType('resource')
          .filter((entry) => entry.name.endsWith('.js'))
          .reduce((sum, entry) => sum + entry.transferSize, 0);
        return {
          html: timeline.getEntriesByType('navigation')[0]?.responseEnd ?? 0,
          lcp,
          rows: performance.now(),
          jsTransferred: js,
        };
      });
      if (i > 0) results.push({ requests: api.count(), ...timing });
    }
    return results;
  } finally {
    await browser.close();
  }
}

/** The first page's JavaScript as built (gzip -9), and the chunks loaded later. */
function builtJs(): { first: number; later: number } {
  const dist = join(REPO_ROOT, 'apps/web/dist');
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  let first = 0;
  let later = 0;
  for (const file of readdirSync(join(dist, 'assets')).filter((name) => name.endsWith('.js'))) {
    const size = gzipSync(readFileSync(join(dist, 'assets', file)), { level: 9 }).length;
    if (html.includes(file)) first += size;
    else later += size;
  }
  return { first, later };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { loads: { type: 'string', default: '10' }, url: { type: 'string' } },
  });
  const loads = Number(values.loads);
  const system = await webSystem(values.url, 500);
  try {
    const results = await measure(system.url, loads);
    const row = (name: Exclude<keyof Load, 'requests' | 'jsTransferred'>) => {
      const all = results.map((load) => load[name]);
      return `  ${name.padEnd(6)} p50 ${percentile(all, 50).toFixed(0).padStart(5)} ms   max ${Math.max(
        ...all,
      )
        .toFixed(0)
        .padStart(5)} ms`;
    };
    const requests = results.map((load) => load.requests);
    const js = builtJs();
    process.stdout.write(
      [
        `Home page, warm, ${loads} reloads at 1440x900 (${system.url}):`,
        `  API requests per load: ${Math.min(...requests)}-${Math.max(...requests)} (artwork images not counted)`,
        row('html'),
        row('lcp'),
        row('rows'),
        `  JavaScript fetched per warm load: ${Math.max(...results.map((load) => load.jsTransferred))} bytes`,
        `  JavaScript built: ${(js.first / 1024).toFixed(1)} kB gzipped for the first page, ${(js.later / 1024).toFixed(1)} kB in chunks loaded later (player, admin)`,
        '',
      ].join('\n'),
    );
  } finally {
    await system.stop();
  }
}

runScript(main);
