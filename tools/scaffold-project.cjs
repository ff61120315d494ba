// Writes the boilerplate every Nx project here shares: project.json, tsconfigs and jest config.
// Usage: node tools/scaffold-project.cjs <dir> <type:app|lib> <scope> [dep-dir ...]
const fs = require('node:fs');
const path = require('node:path');

const [dir, type, scope, ...deps] = process.argv.slice(2);
const root = path.resolve(__dirname, '..');
const abs = path.join(root, dir);
const name = path.basename(dir);
const up = path.relative(abs, root) || '.';
const kind = type === 'app' ? 'app' : 'lib';
const write = (file, data) => {
  const target = path.join(abs, file);
  if (fs.existsSync(target)) return;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, typeof data === 'string' ? data : JSON.stringify(data, null, 2) + '\n');
};

write(`tsconfig.${kind}.json`, {
  extends: `${up}/tsconfig.base.json`,
  compilerOptions: {
    outDir: 'dist',
    rootDir: 'src',
    tsBuildInfoFile: `dist/tsconfig.${kind}.tsbuildinfo`,
  },
  include: ['src/**/*.ts'],
  exclude: ['src/**/*.spec.ts', 'src/**/*.integration-spec.ts', 'src/**/*.e2e-spec.ts'],
  references: deps.map((d) => ({
    path: `${path.relative(abs, path.join(root, d))}/tsconfig.lib.json`,
  })),
});
write('tsconfig.spec.json', {
  extends: `${up}/tsconfig.base.json`,
  compilerOptions: {
    composite: false,
    incremental: false,
    noEmit: true,
    declaration: false,
    declarationMap: false,
    types: ['node', 'jest'],
  },
  include: ['src/**/*.ts'],
});
write(
  'jest.config.cjs',
  `const { projectConfig } = require('${up}/jest.preset.cjs');\n\nmodule.exports = projectConfig(__dirname);\n`,
);
write('project.json', {
  name,
  $schema: `${up}/node_modules/nx/schemas/project-schema.json`,
  sourceRoot: `${dir}/src`,
  projectType: type === 'app' ? 'application' : 'library',
  tags: [`type:${type}`, `scope:${scope}`],
  targets: {
    build: {
      executor: 'nx:run-commands',
      options: { command: `tsc -b ${dir}/tsconfig.${kind}.json` },
    },
    typecheck: {
      executor: 'nx:run-commands',
      options: { command: `tsc -p ${dir}/tsconfig.spec.json` },
    },
    lint: { executor: 'nx:run-commands', options: { command: `eslint ${dir}/src` } },
    // Node's flags for ES-module-only packages come from nx.json's targetDefaults, as for every
    // project's test and integration targets.
    test: {
      executor: 'nx:run-commands',
      options: { command: `jest -c ${dir}/jest.config.cjs` },
    },
  },
});
