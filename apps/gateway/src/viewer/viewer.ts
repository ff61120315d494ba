import { PROFILE_HEADER, UUID_PATTERN, type Profile } from '@kinema/contracts';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './principal';

/** Who is browsing: the caller (if signed in) and the profile named by X-Profile-Id (if any). */
export interface Viewer {
  principal?: Principal;
  profile?: Profile;
}

/** X-Profile-Id as the OpenAPI document describes it on every route that reads it. */
export const PROFILE_HEADER_DOC = {
  name: 'X-Profile-Id',
  required: false,
  description:
    'The profile (of the signed-in account) to browse as. Its maturity ceiling is applied ' +
    'server-side: titles rated above it are absent, and GET /titles/{id} answers 404 for them. ' +
    "Needs a bearer token; another account's profile answers 404.",
  schema: { type: 'string', format: 'uuid', pattern: UUID_PATTERN.source },
} as const;

/** A request that names nobody: no bearer token and no profile. */
export function namesNoCaller(request: FastifyRequest): boolean {
  return (
    request.headers.authorization === undefined && request.headers[PROFILE_HEADER] === undefined
  );
}
