import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** A link or a file path in a page that leads nowhere. */
export interface BrokenReference {
  /** The page, relative to the repository root. */
  file: string;
  line: number;
  reference: string;
  kind: 'link' | 'anchor' | 'path';
}

// Top-level folders of the repository: a path in code that starts with one of them is the
// repository's (`apps/gateway/src/main.ts`), anything else (`src/x.ts`, `/tmp/prof`) is not ours
// to check.
const REPOSITORY_ROOTS = [
  'apps',
  'libs',
  'tools',
  'docs',
  'k8s',
  'helm',
  'docker',
  '.ci',
  '.github',
];
const REPOSITORY_PATH = new RegExp(
  `(?<![\\w./-])(?:${REPOSITORY_ROOTS.map((root) => root.replace('.', '\\.')).join('|')})/[\\w./@-]*[\\w/]`,
  'g',
);
// Build output, installed packages and files a run leaves behind exist only after a build or a
// run, never in a fresh clone.
const GENERATED = /(^|\/)(dist|node_modules|artifacts|coverage|\.data|generated)(\/|$)/;
const MARKDOWN_LINK = /!?\[[^\]]*\]\(([^()\s]+(?:\([^()\s]*\))?)(?:\s+"[^"]*")?\)/g;
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** The pages checked: README.md and every Markdown file under docs/. */
export function documentationPages(root: string): string[] {
  const pages = ['README.md'];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) pages.push(path);
    }
  };
  if (existsSync(join(root, 'docs'))) walk('docs');
  return pages;
}

/** A relative link's file (empty for the page itself) and anchor; undefined for a URL. */
function linkTarget(raw: string): { path: string; anchor?: string } | undefined {
  const target = raw.replace(/^<|>$/g, '');
  if (SCHEME.test(target) || target.startsWith('//')) return undefined;
  const [path = '', anchor] = target.split('#');
  return { path: decodeURI(path.split('?')[0] ?? ''), anchor };
}

/**
 * The anchors GitHub gives a Markdown page's headings: lower case, punctuation dropped, spaces
 * as hyphens, a repeated heading numbered.
 */
export function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? undefined : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count ? `${base}-${count}` : base);
  }
  return anchors;
}

/** Paths of the repository named in a piece of code (an inline span or a fenced block's line). */
function pathsIn(code: string): string[] {
  return [...code.matchAll(REPOSITORY_PATH)]
    .map((match) => match[0].replace(/[.:]+$/, ''))
    .filter((path) => !GENERATED.test(path) && !/[<>*{}$]|\.\.\./.test(path));
}

/**
 * Every relative link (and its anchor, on a Markdown page) and every repository path in inline
 * code or fenced code of `file` that does not exist. Links resolve from the page's folder, paths
 * from the repository root; URLs and paths outside the repository's top-level folders are left
 * alone.
 */
export function brokenReferences(root: string, file: string): BrokenReference[] {
  const text = readFileSync(join(root, file), 'utf8');
  const broken: BrokenReference[] = [];
  let fenced = false;
  text.split('\n').forEach((line, index) => {
    const report = (reference: string, kind: BrokenReference['kind'], from: string) => {
      const absolute = resolve(from, reference);
      if (!existsSync(absolute) || relative(root, absolute).startsWith('..'))
        broken.push({ file, line: index + 1, reference, kind });
    };
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return;
    }
    if (fenced) {
      for (const path of pathsIn(line)) report(path, 'path', root);
      return;
    }
    for (const match of line.matchAll(MARKDOWN_LINK)) {
      const target = linkTarget(match[1] ?? '');
      if (!target) continue;
      const page = target.path ? resolve(root, dirname(file), target.path) : join(root, file);
      if (target.path) report(target.path, 'link', join(root, dirname(file)));
      if (target.anchor && page.endsWith('.md') && existsSync(page)) {
        if (!headingAnchors(readFileSync(page, 'utf8')).has(target.anchor))
          broken.push({ file, line: index + 1, reference: match[1] ?? '', kind: 'anchor' });
      }
    }
    for (const span of line.matchAll(/`([^`]+)`/g))
      for (const path of pathsIn(span[1] ?? '')) report(path, 'path', root);
  });
  return broken;
}

/** brokenReferences of every documentation page. */
export function brokenDocumentationReferences(root: string): BrokenReference[] {
  return documentationPages(root).flatMap((page) => brokenReferences(root, page));
}
