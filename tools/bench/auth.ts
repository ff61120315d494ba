// Sign-in throughput and p99 (argon2id in the users service), and GET /api/v1/titles?limit=20
// through the gateway anonymously beside the same with a bearer token, in the same run.
// Usage: npx nx run-many -t build &&
//   npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/auth.ts [--seconds 10] [--rounds 3]
// ARGON2_MEMORY_KIB / ARGON2_TIME_COST change the users service's hashing cost.
import { parseArgs } from 'node:util';
import { runScript } from '@kinema/dev-infra';
import { startBenchSystem } from './lib/bench-system';
import { compare, load, summarize } from './lib/load';

// The users service's defaults (apps/users/src/config.ts): OWASP's argon2id baseline, one lane.
const ARGON2_DEFAULTS = { memoryKib: 19_456, timeCost: 2, parallelism: 1 };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '32' },
      'login-connections': { type: 'string', default: '8' },
    },
  });
  const seconds = Number(values.seconds);
  const connections = Number(values.connections);
  const system = await startBenchSystem();
  const api = `${system.gatewayUrl}/api/v1`;
  const argon2 = {
    memoryKib: Number(process.env['ARGON2_MEMORY_KIB'] ?? ARGON2_DEFAULTS.memoryKib),
    timeCost: Number(process.env['ARGON2_TIME_COST'] ?? ARGON2_DEFAULTS.timeCost),
    parallelism: ARGON2_DEFAULTS.parallelism,
  };
  try {
    const credentials = JSON.stringify({
      email: 'bench@example.com',
      password: 'bench-password-1',
    });
    const registered = await fetch(`${api}/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: credentials,
    });
    const { tokens } = (await registered.json()) as { tokens: { accessToken: string } };
    process.stdout.write(
      `argon2id m=${argon2.memoryKib} KiB t=${argon2.timeCost} p=${argon2.parallelism}; ` +
        `database: ${process.env['DATABASE_URL'] ? 'PostgreSQL server' : 'PGlite'}\n\n`,
    );

    const loginConnections = Number(values['login-connections']);
    process.stdout.write(
      `POST /api/v1/auth/login, ${loginConnections} connections, ${seconds}s per run\n`,
    );
    const logins = await compare(Number(values.rounds), [
      {
        label: 'login (argon2id verify)',
        run: () =>
          load('login (argon2id verify)', `${api}/auth/login`, {
            seconds,
            connections: loginConnections,
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: credentials,
          }),
      },
    ]);
    summarize(logins, 'login (argon2id verify)');

    const url = `${api}/titles?limit=20`;
    process.stdout.write(
      `\nGET /api/v1/titles?limit=20, ${connections} connections, ${seconds}s per run\n`,
    );
    const reads = await compare(Number(values.rounds), [
      { label: 'anonymous', run: () => load('anonymous', url, { seconds, connections }) },
      {
        label: 'bearer token',
        run: () =>
          load('bearer token', url, {
            seconds,
            connections,
            headers: { authorization: `Bearer ${tokens.accessToken}` },
          }),
      },
    ]);
    summarize(reads, 'anonymous');
  } finally {
    await system.stop();
  }
}

runScript(main);
