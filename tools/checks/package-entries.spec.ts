import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { entryPointProblems, librariesWithEntryPoints } from './package-entries';

const libraries = resolve(__dirname, '../../libs');

describe("the libraries' entry points by concern", () => {
  const withEntryPoints = librariesWithEntryPoints(libraries).map((dir) => basename(dir));

  it('are found in the workspace', () => {
    expect(withEntryPoints).toEqual(expect.arrayContaining(['contracts', 'platform']));
  });

  it.each(withEntryPoints)(
    'libs/%s: each is in exports and typesVersions alike, with a source of its own',
    (name) => {
      expect(entryPointProblems(join(libraries, name))).toEqual([]);
    },
  );
});

describe('entryPointProblems', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kinema-entries-'));
    mkdirSync(join(dir, 'src/kafka'), { recursive: true });
    writeFileSync(join(dir, 'src/kafka/index.ts'), 'export {};\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const entry = (concern: string) => ({
    types: `./dist/${concern}/index.d.ts`,
    default: `./dist/${concern}/index.js`,
  });
  const write = (manifest: object) =>
    writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));

  it('finds nothing wrong when both maps agree and the source exists', () => {
    write({
      exports: { '.': entry('.'), './kafka': entry('kafka'), './package.json': './package.json' },
      typesVersions: { '*': { kafka: ['dist/kafka/index.d.ts'] } },
    });
    expect(entryPointProblems(dir)).toEqual([]);
  });

  it('names an entry node10 resolution would not find, one left over, and a missing source', () => {
    write({
      exports: { './kafka': entry('kafka'), './kafka-lag': entry('kafka-lag') },
      typesVersions: { '*': { kafka: ['dist/kafka/index.d.ts'], grpc: ['dist/grpc/index.d.ts'] } },
    });
    expect(entryPointProblems(dir)).toEqual([
      'typesVersions has no "kafka-lag" for exports',
      '"kafka-lag" has no source: src/kafka-lag/index.ts does not exist',
      'typesVersions "grpc" is not in exports',
    ]);
  });

  it('names a mapping that points elsewhere than exports', () => {
    write({
      exports: { './kafka': entry('kafka') },
      typesVersions: { '*': { kafka: ['dist/kafka/consumer.d.ts'] } },
    });
    expect(entryPointProblems(dir)).toEqual([
      'typesVersions "kafka" is ["dist/kafka/consumer.d.ts"], exports dist/kafka/index.d.ts',
    ]);
  });
});
