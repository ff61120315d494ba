import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { initialiseDataDirs } from './pglite-data-dir';
import { startPgliteServer } from './pglite-server';

const cliPath = path.join(__dirname, 'cli.ts');
const builtCliPath = path.join(__dirname, '../../dist/postgres/cli.js');

function rssMiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

describe('the PGlite CLI on a fresh data directory', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kinema-pglite-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('serves an initialised database without keeping the memory initdb took', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', cliPath, '--port', '0', '--data-dir', path.join(dataDir, 'db')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /listening on (\S+)/.exec(output);
          if (match?.[1]) resolve(match[1]);
        });
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.once('exit', () => reject(new Error(`cli exited early: ${output}`)));
      });
      const client = new Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query<{ answer: number }>('SELECT 40 + 2 AS answer');
      // PGlite's defaults (128 MB of buffers, 100 connections), all resident, would add 133 MB.
      const buffers = await client.query<{ shared_buffers: string }>('SHOW shared_buffers');
      const connections = await client.query<{ max_connections: string }>('SHOW max_connections');
      await client.end();
      expect(rows).toEqual([{ answer: 42 }]);
      expect(buffers.rows).toEqual([{ shared_buffers: '8MB' }]);
      // Sizes PostgreSQL's per-backend shared tables only: PGlite is one backend.
      expect(connections.rows).toEqual([{ max_connections: '8' }]);
      // initdb in the serving process leaves it at about 800 MiB. The bound leaves room for tsx
      // and V8's baseline-compiled code, which the launcher's PGlite processes do without.
      expect(rssMiB(child.pid ?? -1)).toBeLessThan(400);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }, 60_000);
});

describe('the PGlite CLI with several databases', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'kinema-pglite-cli-several-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('serves each database on its own port, apart from the others, in one process', async () => {
    const names = ['catalog', 'users'];
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        cliPath,
        ...names.flatMap((name) => [
          '--listener',
          `postgres-${name}`,
          '--port',
          '0',
          '--data-dir',
          path.join(root, name),
        ]),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let output = '';
      const urls = await new Promise<Map<string, string>>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const found = [...output.matchAll(/listening on (\S+) \(postgres-(\w+)\)/g)];
          if (found.length === names.length) {
            resolve(new Map(found.map((match) => [match[2] ?? '', match[1] ?? ''])));
          }
        });
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.once('exit', () => reject(new Error(`cli exited early: ${output}`)));
      });
      expect(new Set([...urls.values()]).size).toBe(names.length);
      for (const name of names) {
        const client = new Client({ connectionString: urls.get(name) });
        await client.connect();
        await client.query('CREATE TABLE only_here (name text)');
        await client.query('INSERT INTO only_here VALUES ($1)', [name]);
        await client.end();
      }
      for (const name of names) {
        const client = new Client({ connectionString: urls.get(name) });
        await client.connect();
        const { rows } = await client.query('SELECT name FROM only_here');
        await client.end();
        expect(rows).toEqual([{ name }]);
      }
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }, 120_000);
});

describe('several fresh data directories', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'kinema-pglite-dirs-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('are each initialised, and each opens as a database of its own', async () => {
    const dataDirs = ['catalog', 'users', 'videos'].map((name) => path.join(root, name));
    await initialiseDataDirs(dataDirs, builtCliPath, (dataDir) => [
      '--init-only',
      '--data-dir',
      dataDir,
    ]);
    for (const dataDir of dataDirs) {
      const server = await startPgliteServer({ dataDir });
      const client = new Client({ connectionString: server.url });
      try {
        await client.connect();
        await client.query(`CREATE TABLE only_here (name text)`);
        await client.query(`INSERT INTO only_here VALUES ($1)`, [path.basename(dataDir)]);
      } finally {
        await client.end();
        await server.stop();
      }
    }
    const server = await startPgliteServer({ dataDir: dataDirs[1] });
    const client = new Client({ connectionString: server.url });
    try {
      await client.connect();
      const { rows } = await client.query('SELECT name FROM only_here');
      expect(rows).toEqual([{ name: 'users' }]);
    } finally {
      await client.end();
      await server.stop();
    }
  }, 120_000);
});
