import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { brokenDocumentationReferences, brokenReferences } from './doc-links';

describe("the README's and docs/' links and paths", () => {
  it('all lead to files of the repository', () => {
    const broken = brokenDocumentationReferences(resolve(__dirname, '../../..')).map(
      (ref) => `${ref.file}:${ref.line} ${ref.kind} ${ref.reference}`,
    );
    expect(broken).toEqual([]);
  });
});

describe('brokenReferences', () => {
  let root: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'doc-links-'));
    mkdirSync(join(root, 'docs/decisions'), { recursive: true });
    mkdirSync(join(root, 'apps/gateway/src'), { recursive: true });
    writeFileSync(join(root, 'apps/gateway/src/main.ts'), '');
    writeFileSync(join(root, 'docs/architecture.md'), '# Architecture\n');
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function check(page: string, text: string) {
    writeFileSync(join(root, page), text);
    return brokenReferences(root, page).map((ref) => [ref.line, ref.kind, ref.reference]);
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
