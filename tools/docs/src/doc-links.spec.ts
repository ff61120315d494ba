import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { brokenDocumentationReferences, brokenReferences } from './doc-links';

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

describe('brokenReferences', () => {
  let fixture: string;

  beforeAll(() => {
    fixture = mkdtempSync(join(tmpdir(), 'doc-links-'));
    mkdirSync(join(fixture, 'docs/decisions'), { recursive: true });
    mkdirSync(join(fixture, 'apps/gateway/src'), { recursive: true });
    writeFileSync(join(fixture, 'apps/gateway/src/main.ts'), '');
    writeFileSync(join(fixture, 'docs/architecture.md'), '# Architecture\n');
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

  it('leaves URLs, anchors, build output and paths outside the repository alone', () => {
    expect(
      check(
        'README.md',
        [
          '[site](https://example.com/apps/x.md) [here](#quick-start) [mail](mailto:a@b.c)',
          '`apps/gateway/dist/main.js` `src/x.ts` `/tmp/prof` `apps/<app>/src/config.ts`',
          '`apps/*/src/config.ts`',
        ].join('\n'),
      ),
    ).toEqual([]);
  });
});
