import { ApiHandler, RequestContext } from './api-handler.types';
import {
  ApiVersionRange,
  createApiVersionsApi,
  unsupportedRequestBody,
} from './api-versions.handler';
import { createTopicsApi } from './create-topics.handler';
import { describeGroupsApi } from './describe-groups.handler';
import { fetchApi } from './fetch.handler';
import { findCoordinatorApi } from './find-coordinator.handler';
import { heartbeatApi } from './heartbeat.handler';
import { initProducerIdApi } from './init-producer-id.handler';
import { joinGroupApi } from './join-group.handler';
import { leaveGroupApi } from './leave-group.handler';
import { listGroupsApi } from './list-groups.handler';
import { listOffsetsApi } from './list-offsets.handler';
import { metadataApi } from './metadata.handler';
import { offsetCommitApi } from './offset-commit.handler';
import { offsetFetchApi } from './offset-fetch.handler';
import { produceApi } from './produce.handler';
import { syncGroupApi } from './sync-group.handler';

const handlers: ApiHandler[] = [
  produceApi,
  fetchApi,
  listOffsetsApi,
  metadataApi,
  offsetCommitApi,
  offsetFetchApi,
  findCoordinatorApi,
  joinGroupApi,
  heartbeatApi,
  leaveGroupApi,
  syncGroupApi,
  describeGroupsApi,
  listGroupsApi,
  createTopicsApi,
  initProducerIdApi,
];

/** The API keys and versions this broker serves, as advertised by ApiVersions. */
export const SUPPORTED_APIS: readonly ApiVersionRange[] = [
  ...handlers,
  createApiVersionsApi(() => []),
]
  .map(({ apiKey, minVersion, maxVersion }) => ({ apiKey, minVersion, maxVersion }))
  .sort((a, b) => a.apiKey - b.apiKey);

const byKey = new Map<number, ApiHandler>(
  [...handlers, createApiVersionsApi(() => SUPPORTED_APIS)].map((handler) => [
    handler.apiKey,
    handler,
  ]),
);

/** Name of an API key for logs, or `ApiKey(n)` for ones this broker does not know. */
export function apiName(apiKey: number): string {
  return byKey.get(apiKey)?.name ?? `ApiKey(${apiKey})`;
}

/** Runs the handler for a request; an unknown key or version gets UNSUPPORTED_VERSION, never silence. */
export async function dispatchRequest(context: RequestContext): Promise<Buffer | null> {
  const { apiKey, apiVersion } = context.header;
  const handler = byKey.get(apiKey);
  if (handler === undefined || apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
    return unsupportedRequestBody(SUPPORTED_APIS);
  }
  return handler.handle(context);
}
