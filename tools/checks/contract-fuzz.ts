// The contract fuzzer at length: starts the system as `npm start` does (or uses a running one),
// reads its OpenAPI document, sends generated requests to every operation and prints every way
// an answer broke the document (5xx, undocumented status, body off its schema, errors outside
// problem+json), grouped, with an example request each. `npm test` runs a shorter pass.
// Usage: npx nx run-many -t build && npx tsx --tsconfig tools/checks/tsconfig.json tools/checks/contract-fuzz.ts [--per-operation 300] [--seed 1] [--url http://localhost:3000]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  buildFuzzWorld,
  DEV_ADMIN_EMAIL,
  DEV_ADMIN_PASSWORD,
  REPO_ROOT,
  runFuzz,
  runScript,
  startSystem,
  summarise,
  type OpenApiDocument,
} from '@kinema/dev-infra';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'per-operation': { type: 'string', default: '300' },
      seed: { type: 'string', default: String(Date.now() % 100_000) },
      url: { type: 'string' },
    },
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'kinema-fuzz-'));
  const system = values.url
    ? undefined
    : await startSystem({
        dataDir,
        ephemeralPorts: true,
        demoTitles: 60,
        logLevel: 'warn',
        env: {
          ...process.env,
          KAFKA_BROKERS: '',
          S3_ENDPOINT: '',
          DATABASE_NAME_PREFIX: `kinema_fuzz_${Date.now().toString(36)}`,
          // One client sends everything: limits would only turn the run into 429s.
          RATE_LIMIT_REQUESTS: '10000000',
          RATE_LIMIT_AUTH_PER_IP: '1000000',
          RATE_LIMIT_AUTH_PER_EMAIL: '1000000',
          RATE_LIMIT_AUTH_PER_EMAIL_ALL_SOURCES: '1000000',
        },
        sink: () => undefined,
      });
  const gatewayUrl = values.url ?? system?.gatewayUrl ?? '';
  try {
    const doc = (await (await fetch(`${gatewayUrl}/docs/openapi.json`)).json()) as OpenApiDocument;
    const clip = readFileSync(join(REPO_ROOT, 'tools/media/samples/bars-faststart.mp4'));
    const world = await buildFuzzWorld(
      gatewayUrl,
      system?.plan.admin ?? { email: DEV_ADMIN_EMAIL, password: DEV_ADMIN_PASSWORD },
      clip,
    );
    const seed = Number(values.seed);
    const started = Date.now();
    const result = await runFuzz(doc, world, {
      perOperation: Number(values['per-operation']),
      seed,
      onProgress: (sent) => {
        if (sent % 1000 === 0) process.stdout.write(`  ${sent} requests...\n`);
      },
    });
    process.stdout.write(
      `\n${result.sent} requests over ${result.operations} operations in ${((Date.now() - started) / 1000).toFixed(0)} s (seed ${seed}): ` +
        `${result.findings.length} findings\n${summarise(result.findings)}\n`,
    );
    process.exitCode = result.findings.length === 0 ? 0 : 1;
  } finally {
    await system?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

runScript(main);
