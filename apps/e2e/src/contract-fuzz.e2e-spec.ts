import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildFuzzWorld,
  REPO_ROOT,
  runFuzz,
  summarise,
  type OpenApiDocument,
} from '@kinema/dev-infra';
import { startTestSystem, type TestSystem } from './support/system';

/** Enough for ≥ 2,000 requests over every documented operation, in about a minute. */
const PER_OPERATION = 50;
const MINIMUM_REQUESTS = 2_000;

describe('the API contract (a fuzzer driven only by /docs/openapi.json)', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem(60, {
      // One client sends everything: the limits would only turn the run into 429s.
      RATE_LIMIT_REQUESTS: '10000000',
      RATE_LIMIT_AUTH_PER_IP: '1000000',
      RATE_LIMIT_AUTH_PER_EMAIL: '1000000',
      RATE_LIMIT_AUTH_PER_EMAIL_ALL_SOURCES: '1000000',
    });
  });

  afterAll(async () => {
    await system?.dispose();
  });

  it('answers every generated and mutated request as the document says: no 5xx, no mismatch', async () => {
    const doc = (await (
      await fetch(`${system.gatewayUrl}/docs/openapi.json`)
    ).json()) as OpenApiDocument;
    const world = await buildFuzzWorld(
      system.gatewayUrl,
      system.plan.admin,
      readFileSync(join(REPO_ROOT, 'tools/media/samples/bars-faststart.mp4')),
    );
    // One seed, so the suite is repeatable; tools/checks/contract-fuzz.ts runs longer, other seeds.
    const seed = 1;
    const result = await runFuzz(doc, world, { perOperation: PER_OPERATION, seed });
    process.stdout.write(
      `contract fuzz (seed ${seed}): ${result.sent} requests over ${result.operations} operations, ${result.findings.length} findings\n`,
    );
    expect(result.sent).toBeGreaterThanOrEqual(MINIMUM_REQUESTS);
    expect(summarise(result.findings)).toBe('');
  }, 600_000);
});
