import { credentials } from '@grpc/grpc-js';
import {
  AddToMyListRequest,
  ChangePasswordRequest,
  CreateProfileRequest,
  DeleteAccountRequest,
  DeleteProfileRequest,
  GetAccountRequest,
  GetProfileRequest,
  GetSigningKeysRequest,
  ListContinueWatchingRequest,
  ListMyListRequest,
  ListProfilesRequest,
  LoginRequest,
  LogoutRequest,
  RefreshRequest,
  RegisterRequest,
  RemoveFromMyListRequest,
  RenameProfileRequest,
  ReportProgressRequest,
  UsersServiceClient,
  VerifyAccessTokenRequest,
} from '@kinema/contracts';
import { createTestDatabase, type TestDatabase } from '@kinema/dev-infra';
import { parseConfig, type RunningGrpcService } from '@kinema/platform';
import { defined, serviceTestEnv, testCaller } from '@kinema/platform/testing';
import { DataSource } from 'typeorm';
import { configSchema, type UsersConfig } from '../config';
import { aRegistration } from './account.builder';
import { startUsers } from '../users.bootstrap';

/** Promise-returning calls of the generated client, taking partial requests. */
export function usersRpc(client: UsersServiceClient) {
  const call = testCaller(client);
  return {
    register: (r: Partial<RegisterRequest>) =>
      call(client.register, RegisterRequest.fromPartial(r)),
    login: (r: Partial<LoginRequest>) => call(client.login, LoginRequest.fromPartial(r)),
    refresh: (r: Partial<RefreshRequest>) => call(client.refresh, RefreshRequest.fromPartial(r)),
    logout: (r: Partial<LogoutRequest>) => call(client.logout, LogoutRequest.fromPartial(r)),
    changePassword: (r: Partial<ChangePasswordRequest>) =>
      call(client.changePassword, ChangePasswordRequest.fromPartial(r)),
    getAccount: (r: Partial<GetAccountRequest>) =>
      call(client.getAccount, GetAccountRequest.fromPartial(r)),
    deleteAccount: (r: Partial<DeleteAccountRequest>) =>
      call(client.deleteAccount, DeleteAccountRequest.fromPartial(r)),
    verifyAccessToken: (r: Partial<VerifyAccessTokenRequest>) =>
      call(client.verifyAccessToken, VerifyAccessTokenRequest.fromPartial(r)),
    getSigningKeys: () => call(client.getSigningKeys, GetSigningKeysRequest.fromPartial({})),
    listProfiles: (r: Partial<ListProfilesRequest>) =>
      call(client.listProfiles, ListProfilesRequest.fromPartial(r)),
    getProfile: (r: Partial<GetProfileRequest>) =>
      call(client.getProfile, GetProfileRequest.fromPartial(r)),
    createProfile: (r: Partial<CreateProfileRequest>) =>
      call(client.createProfile, CreateProfileRequest.fromPartial(r)),
    renameProfile: (r: Partial<RenameProfileRequest>) =>
      call(client.renameProfile, RenameProfileRequest.fromPartial(r)),
    deleteProfile: (r: Partial<DeleteProfileRequest>) =>
      call(client.deleteProfile, DeleteProfileRequest.fromPartial(r)),
    addToMyList: (r: Partial<AddToMyListRequest>) =>
      call(client.addToMyList, AddToMyListRequest.fromPartial(r)),
    removeFromMyList: (r: Partial<RemoveFromMyListRequest>) =>
      call(client.removeFromMyList, RemoveFromMyListRequest.fromPartial(r)),
    listMyList: (r: Partial<ListMyListRequest>) =>
      call(client.listMyList, ListMyListRequest.fromPartial(r)),
    reportProgress: (r: Partial<ReportProgressRequest>) =>
      call(client.reportProgress, ReportProgressRequest.fromPartial(r)),
    listContinueWatching: (r: Partial<ListContinueWatchingRequest>) =>
      call(client.listContinueWatching, ListContinueWatchingRequest.fromPartial(r)),
  };
}

export type UsersRpc = ReturnType<typeof usersRpc>;

/** Registers a new account: its id and its first profile's. */
export async function aRegisteredAccount(
  rpc: UsersRpc,
): Promise<{ accountId: string; profileId: string }> {
  const registered = await rpc.register(aRegistration());
  return {
    accountId: defined(registered.account, 'account').id,
    profileId: defined(registered.profile, 'profile').id,
  };
}

export interface UsersHarness {
  rpc: UsersRpc;
  client: UsersServiceClient;
  running: RunningGrpcService;
  database: TestDatabase;
  config: UsersConfig;
  /** Runs SQL against the service's database (through its own pool: PGlite takes one connection). */
  sql<Row>(text: string, params?: unknown[]): Promise<Row[]>;
  close(): Promise<void>;
}

/**
 * A real users service (gRPC + ops on free ports) on a fresh test database, and a client for it.
 * Kafka points at a closed port: events must wait in the outbox without disturbing requests.
 * argon2 runs at a test cost; the production floor is enforced only when NODE_ENV=production.
 */
export async function startTestUsers(env: Record<string, string> = {}): Promise<UsersHarness> {
  const database = await createTestDatabase('users');
  const config: UsersConfig = parseConfig(configSchema, {
    ...serviceTestEnv(database),
    // Kafka is unreachable on purpose, and kafkajs reports every failed connect as an error.
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'fatal',
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '1',
    ...env,
  });
  let running: RunningGrpcService;
  try {
    running = await startUsers(config);
  } catch (error) {
    await database.dispose();
    throw error;
  }
  const client = new UsersServiceClient(
    `127.0.0.1:${running.grpcPort}`,
    credentials.createInsecure(),
  );
  const dataSource = running.app.get(DataSource);
  return {
    rpc: usersRpc(client),
    client,
    running,
    database,
    config,
    sql: <Row>(text: string, params: unknown[] = []) => dataSource.query<Row[]>(text, params),
    close: async () => {
      client.close();
      running.drain();
      await running.app.close();
      await database.dispose();
    },
  };
}

// Shared with the other services' harnesses, re-exported so the specs import one place.
export { defined, failureOf } from '@kinema/platform/testing';
