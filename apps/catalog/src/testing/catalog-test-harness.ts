import { credentials } from '@grpc/grpc-js';
import {
  BatchGetTitlesRequest,
  BrowseRequest,
  CatalogServiceClient,
  CreateTitleRequest,
  DeleteTitleRequest,
  GetTitleRequest,
  ListGenresRequest,
  ListTitlesRequest,
  PatchTitleRequest,
  UpdateTitleRequest,
} from '@kinema/contracts';
import { createTestDatabase, type TestDatabase } from '@kinema/dev-infra';
import { parseConfig, type RunningGrpcService } from '@kinema/platform';
import { serviceTestEnv, testCaller } from '@kinema/platform/testing';
import { startCatalog } from '../catalog.bootstrap';
import { configSchema, type CatalogConfig } from '../config';

/** Promise-returning calls of the generated client, taking partial requests. */
export function catalogRpc(client: CatalogServiceClient) {
  const call = testCaller(client);
  return {
    listTitles: (request: Partial<ListTitlesRequest>) =>
      call(client.listTitles, ListTitlesRequest.fromPartial(request)),
    getTitle: (request: Partial<GetTitleRequest>) =>
      call(client.getTitle, GetTitleRequest.fromPartial(request)),
    batchGetTitles: (request: Partial<BatchGetTitlesRequest>) =>
      call(client.batchGetTitles, BatchGetTitlesRequest.fromPartial(request)),
    createTitle: (request: Partial<CreateTitleRequest>) =>
      call(client.createTitle, CreateTitleRequest.fromPartial(request)),
    updateTitle: (request: Partial<UpdateTitleRequest>) =>
      call(client.updateTitle, UpdateTitleRequest.fromPartial(request)),
    patchTitle: (request: Partial<PatchTitleRequest>) =>
      call(client.patchTitle, PatchTitleRequest.fromPartial(request)),
    deleteTitle: (request: Partial<DeleteTitleRequest>) =>
      call(client.deleteTitle, DeleteTitleRequest.fromPartial(request)),
    listGenres: () => call(client.listGenres, ListGenresRequest.fromPartial({})),
    browse: (request: Partial<BrowseRequest>) =>
      call(client.browse, BrowseRequest.fromPartial(request)),
  };
}

export type CatalogRpc = ReturnType<typeof catalogRpc>;

export interface CatalogHarness {
  rpc: CatalogRpc;
  client: CatalogServiceClient;
  running: RunningGrpcService;
  database: TestDatabase;
  grpcAddress: string;
  close(): Promise<void>;
}

/** The catalog's own test settings, in the test's process (startTestCatalog) or a child's. */
export const CATALOG_TEST_SETTINGS = {
  // Most of these tests run without a broker; the relay's retry warnings would drown the output.
  LOG_LEVEL: 'error',
  CURSOR_SECRET: 'integration-test-cursor-secret',
  // A consumer that stops (or is killed) hands its partitions over within seconds.
  KAFKA_CONSUMER_SESSION_TIMEOUT_MS: '6000',
};

export interface TestCatalogOptions {
  /** A database to reuse, e.g. to restart a catalog on its data; left in place by close(). */
  database?: TestDatabase;
}

/**
 * A real catalog (gRPC + ops on free ports) on a fresh test database (or the given one), and a
 * client for it.
 */
export async function startTestCatalog(
  env: Record<string, string> = {},
  options: TestCatalogOptions = {},
): Promise<CatalogHarness> {
  const ownsDatabase = options.database === undefined;
  const database = options.database ?? (await createTestDatabase('catalog'));
  const config: CatalogConfig = parseConfig(configSchema, {
    ...serviceTestEnv(database),
    ...CATALOG_TEST_SETTINGS,
    ...env,
  });
  let running: RunningGrpcService;
  try {
    running = await startCatalog(config);
  } catch (error) {
    if (ownsDatabase) await database.dispose();
    throw error;
  }
  const grpcAddress = `127.0.0.1:${running.grpcPort}`;
  const client = new CatalogServiceClient(grpcAddress, credentials.createInsecure());
  return {
    rpc: catalogRpc(client),
    client,
    running,
    database,
    grpcAddress,
    close: async () => {
      client.close();
      running.drain();
      await running.app.close();
      if (ownsDatabase) await database.dispose();
    },
  };
}

// Shared with the other services' harnesses, re-exported so the specs import one place.
export { defined, failureOf } from '@kinema/platform/testing';
