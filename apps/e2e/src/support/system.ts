import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  describeEvent,
  outputTail,
  startSystem,
  testSystemDatabases,
  type FleetEvent,
  type RunningSystem,
  type Scale,
} from '@kinema/dev-infra';
import { failuresSoFar } from './failures';

export interface TestSystem extends RunningSystem {
  /** Output of every process and the launcher's events, for diagnosing a failure. */
  logs: string[];
  /** Stops the system; prints the end of `logs` first if a test or hook failed while it ran. */
  dispose(): Promise<void>;
}

/**
 * The system as `npm start` runs it (same launcher, same processes), on free ports and a
 * throwaway data directory. Uses the PostgreSQL server named by TEST_DATABASE_URL when set.
 */
export async function startTestSystem(
  demoTitles: number,
  extraEnv: Record<string, string> = {},
  options: {
    scale?: Scale;
    onEvent?: (event: FleetEvent) => void;
    dataDir?: string;
    /** The embedded databases (PGlite) even when TEST_DATABASE_URL names a server. */
    embeddedDatabase?: boolean;
    /** Collects every process's output here too, so a test can read why a start failed. */
    logs?: string[];
  } = {},
): Promise<TestSystem> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kinema-e2e-'));
  const logs: string[] = options.logs ?? [];
  const failuresAtStart = failuresSoFar();
  // The embedded stand-ins, whatever the developer's shell points at.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BROKERS: '',
    S3_ENDPOINT: '',
    // Rate-limit counts and cached catalog reads of its own in a shared Redis: an earlier system's sign-in flood from
    // this same address must not be counted against this one.
    // (Each test file has its own module registry, so only a random name is unique per system.)
    RATE_LIMIT_REDIS_PREFIX: `kinema:e2e:${randomUUID()}:throttle:`,
    CATALOG_CACHE_REDIS_PREFIX: `kinema:e2e:${randomUUID()}:catalog-cache:`,
    IDEMPOTENCY_REDIS_PREFIX: `kinema:e2e:${randomUUID()}:idempotency:`,
    ...extraEnv,
  };
  // Databases on the server TEST_DATABASE_URL names, unless the test is about the embedded ones.
  const databases = testSystemDatabases(
    'e2e',
    options.embeddedDatabase ? undefined : process.env['TEST_DATABASE_URL'],
  );
  delete env['DATABASE_URL'];
  Object.assign(env, databases.env);
  const system = await startSystem({
    dataDir,
    env,
    ephemeralPorts: true,
    demoTitles,
    logLevel: 'warn',
    ...(options.scale ? { scale: options.scale } : {}),
    onEvent: (event) => {
      logs.push(`launcher | ${describeEvent(event)}`);
      options.onEvent?.(event);
    },
    sink: (name, line) => logs.push(`${name} | ${line}`),
  }).catch(async (error: unknown) => {
    if (!options.logs) process.stderr.write(logs.join('\n'));
    // The databases this start created, which no dispose() will drop.
    await databases.drop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  });
  return {
    ...system,
    logs,
    dispose: async () => {
      if (failuresSoFar() > failuresAtStart)
        process.stderr.write(outputTail('A test failed while this system ran; its output', logs));
      await system.stop();
      await databases.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface JsonResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/** fetch + JSON body (problem+json included); no retries, no hidden waiting. */
export async function request<T = unknown>(
  baseUrl: string,
  path: string,
  init: RequestInit = {},
): Promise<JsonResponse<T>> {
  const response = await fetch(`${baseUrl}${path}`, init);
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : undefined) as T,
  };
}
