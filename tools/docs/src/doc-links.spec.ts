import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { brokenDocumentationReferences, brokenReferences, headingAnchors } from './doc-links';

const root = resolve(__dirname, '../../..');

describe("the README's and docs/' links and paths", () => {
  it('all lead to files of the repository', () => {
    const broken = brokenDocumentationReferences(root).map(
      (ref) => `${ref.file}:${ref.line} ${ref.kind} ${ref.reference}`,
    );
    expect(broken).toEqual([]);
  });

  it('keeps the README a front door of at most 300 lines (the rest lives in docs/)', () => {
    const lines = readFileSync(resolve(root, 'README.md'), 'utf8').trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(300);
  });
});

describe('headingAnchors', () => {
  it('names headings as GitHub does: punctuation and code marks dropped, repeats numbered', () => {
    const anchors = headingAnchors(
      [
        '# Kinema',
        '## Load: `npm run kinema -- load`',
        '## Catalog pages at 10,000 titles',
        '```',
        '# not a heading',
        '```',
        '## Figures',
        '## Figures',
      ].join('\n'),
    );
    expect([...anchors]).toEqual([
      'kinema',
      'load-npm-run-kinema----load',
      'catalog-pages-at-10000-titles',
      'figures',
      'figures-1',
    ]);
  });
});

describe('brokenReferences', () => {
  let fixture: string;

  beforeAll(() => {
    fixture = mkdtempSync(join(tmpdir(), 'doc-links-'));
    mkdirSync(join(fixture, 'docs/decisions'), { recursive: true });
    mkdirSync(join(fixture, 'apps/gateway/src'), { recursive: true });
    writeFileSync(join(fixture, 'apps/gateway/src/main.ts'), '');
    writeFileSync(join(fixture, 'docs/architecture.md'), '# Architecture\n\n## Request path\n');
  });

  afterAll(() => rmSync(fixture, { recursive: true, force: true }));

  function check(page: string, text: string) {
    writeFileSync(join(fixture, page), text);
    return brokenReferences(fixture, page).map((ref) => [ref.line, ref.kind, ref.reference]);
  }

  it('reports a relative link to a file that does not exist, resolved from the page', () => {
    expect(
      check(
        'docs/decisions/one.md',
        '[fine](../architecture.md#request-path)\n[gone](../archtecture.md)\n',
      ),
    ).toEqual([[2, 'link', '../archtecture.md']]);
  });

  it('reports a repository path in inline code or a fenced block that does not exist', () => {
    expect(
      check(
        'README.md',
        [
          'See `apps/gateway/src/main.ts` and `apps/gateway/src/mian.ts`.',
          '```sh',
          'npx tsx apps/gateway/src/main.ts libs/platform/src/gone.ts',
          '```',
        ].join('\n'),
      ),
    ).toEqual([
      [1, 'path', 'apps/gateway/src/mian.ts'],
      [3, 'path', 'libs/platform/src/gone.ts'],
    ]);
  });

  it('reports an anchor that names no heading of the page it links to, or of its own page', () => {
    expect(
      check(
        'docs/decisions/two.md',
        '# Two\n[ok](#two) [ok](../architecture.md#request-path) [bad](../architecture.md#event-path) [bad](#three)\n',
      ),
    ).toEqual([
      [2, 'anchor', '../architecture.md#event-path'],
      [2, 'anchor', '#three'],
    ]);
  });

  it('leaves URLs, build output and paths outside the repository alone', () => {
    expect(
      check(
        'README.md',
        [
          '# Quick start',
          '[site](https://example.com/apps/x.md) [here](#quick-start) [mail](mailto:a@b.c)',
          '`apps/gateway/dist/main.js` `src/x.ts` `/tmp/prof` `apps/<app>/src/config.ts`',
          '`apps/*/src/config.ts`',
        ].join('\n'),
      ),
    ).toEqual([]);
  });
});
