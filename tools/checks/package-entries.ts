import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface EntryTarget {
  types?: string;
  default?: string;
}

interface LibraryManifest {
  exports?: Record<string, string | EntryTarget>;
  typesVersions?: Record<string, Record<string, string[]>>;
}

/**
 * What is wrong with a library's entry points by concern (`@kinema/<lib>/<concern>`). The
 * workspace resolves modules as `node10`, which reads `typesVersions`, not `exports`: an entry
 * missing from either builds for one reader and fails for the other (lint and typecheck passed
 * while a build failed). Each entry's types must also come from a source file of the library.
 */
export function entryPointProblems(libraryDir: string): string[] {
  const manifest = readManifest(libraryDir);
  const problems: string[] = [];
  const exported = new Map<string, string | undefined>();
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (!byConcern(subpath)) continue;
    exported.set(subpath.slice(2), typeof target === 'string' ? undefined : target.types);
  }
  const mapped = manifest.typesVersions?.['*'] ?? {};
  for (const [concern, types] of exported) {
    if (types === undefined) {
      problems.push(`exports "./${concern}" names no types`);
      continue;
    }
    const expected = types.replace(/^\.\//, '');
    const actual = mapped[concern];
    if (actual === undefined) problems.push(`typesVersions has no "${concern}" for exports`);
    else if (actual.length !== 1 || actual[0] !== expected)
      problems.push(`typesVersions "${concern}" is ${JSON.stringify(actual)}, exports ${expected}`);
    const source = expected.replace(/^dist\//, 'src/').replace(/\.d\.ts$/, '.ts');
    if (!existsSync(join(libraryDir, source)))
      problems.push(`"${concern}" has no source: ${source} does not exist`);
  }
  for (const concern of Object.keys(mapped))
    if (!exported.has(concern)) problems.push(`typesVersions "${concern}" is not in exports`);
  return problems;
}

/** The workspace's libraries that declare entry points by concern. */
export function librariesWithEntryPoints(librariesDir: string): string[] {
  return readdirSync(librariesDir)
    .map((name) => join(librariesDir, name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .filter((dir) => Object.keys(readManifest(dir).exports ?? {}).some(byConcern));
}

/** An entry point by concern: neither the package's root nor its manifest. */
function byConcern(subpath: string): boolean {
  return subpath !== '.' && subpath !== './package.json';
}

function readManifest(libraryDir: string): LibraryManifest {
  return JSON.parse(readFileSync(join(libraryDir, 'package.json'), 'utf8')) as LibraryManifest;
}
