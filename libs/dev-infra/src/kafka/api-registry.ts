import { ApiHandler, RequestContext } from './api-handler.types';
import {
  ApiVersionRange,
  createApiVersionsApi,
  unsupportedRequestBody,
} from './api-versions.handler';
import { createTopicsApi } from './create-topics.handler';
import { deleteGroupsApi } from './delete-groups.handler';
import { deleteTopicsApi } from './delete-topics.handler';
import { describeConfigsApi } from './describe-configs.handler';
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
import { saslAuthenticateApi } from './sasl-authenticate.handler';
import { saslHandshakeApi } from './sasl-handshake.handler';
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
  deleteTopicsApi,
  initProducerIdApi,
  describeConfigsApi,
  deleteGroupsApi,
  saslHandshakeApi,
  saslAuthenticateApi,
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

/** The handler serving this key at this version, or undefined when the broker does not. */
export function handlerFor(apiKey: number, apiVersion: number): ApiHandler | undefined {
  const handler = byKey.get(apiKey);
  if (handler === undefined || apiVersion < handler.minVersion || apiVersion > handler.maxVersion) {
    return undefined;
  }
  return handler;
}

/**
 * Runs the handler for a request. An unknown key or version gets UNSUPPORTED_VERSION with the
 * supported list (never silence), and the refusal is logged with the key and version asked for.
 */
export async function dispatchRequest(context: RequestContext): Promise<Buffer | null> {
  const { apiKey, apiVersion, clientId } = context.header;
  const handler = handlerFor(apiKey, apiVersion);
  if (handler === undefined) {
    const known = byKey.get(apiKey);
    const offered =
      known === undefined ? 'not served' : `served at v${known.minVersion}-v${known.maxVersion}`;
    context.broker.logger.warn(
      `refused ${apiName(apiKey)} (api key ${apiKey}) v${apiVersion} from client ${clientId ?? '(none)'}: ${offered}; answered UNSUPPORTED_VERSION`,
    );
    return unsupportedRequestBody(SUPPORTED_APIS);
  }
  return handler.handle(context);
}
