import { IDEMPOTENCY_KEY } from '@kinema/contracts';
import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { PROBLEM_RESPONSE } from '../http/api-problems.decorator';

export const IDEMPOTENT_ROUTE = 'kinema:idempotent';

/** Whose keys a route's keys are, when not its caller's (signed-in account, else address). */
export interface KeyOwner {
  /**
   * The owner of the request's key, or undefined when the request has none: then a key it
   * sends is refused (400), as it could not be kept apart from anyone else's.
   */
  of(request: FastifyRequest): string | undefined;
  /** Who that is, for the 400 and the API document: "the session cookie". */
  description: string;
}

/** What a route marked @Idempotent() declares (its metadata under IDEMPOTENT_ROUTE). */
export interface IdempotentRoute {
  owner?: KeyOwner;
  /** How long an answer is replayed: IDEMPOTENCY_KEY.retentionSeconds unless the route says. */
  retentionSeconds?: number;
}

/** How long the route's answers are replayed, in seconds. */
export function retentionSeconds(route: IdempotentRoute): number {
  return route.retentionSeconds ?? IDEMPOTENCY_KEY.retentionSeconds;
}

/** "24 hours", "15 minutes": a retention as the API document says it. */
function period(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} hours` : `${Math.round(seconds / 60)} minutes`;
}

/** The route's @Idempotent() declaration, if it has one. */
export function idempotentRoute(handler: object): IdempotentRoute | undefined {
  return Reflect.getMetadata(IDEMPOTENT_ROUTE, handler) as IdempotentRoute | undefined;
}

/**
 * Marks a POST that accepts an Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): a
 * retry with the key and the same request is answered with the first attempt's answer, replayed,
 * instead of being applied again. Documents the header and the answers it adds. Keys are their
 * caller's, or `owner`'s when given.
 */
export function Idempotent(route: IdempotentRoute = {}): MethodDecorator {
  const whose = route.owner
    ? `Keys belong to ${route.owner.description}; a request without it may not send one.`
    : 'Keys are per caller.';
  return applyDecorators(
    SetMetadata(IDEMPOTENT_ROUTE, route),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'A key unique to this request (a UUID, say), to send it again safely after a timeout or ' +
        `a lost answer: for ${period(retentionSeconds(route))} a request with the same key ` +
        'and the same body is answered with the first answer (marked ' +
        '`Idempotent-Replayed: true`) without being applied again. ' +
        `${whose} An answer that failed (4xx, 503) is not kept, so a corrected ` +
        'request may reuse the key; one whose outcome is unknown (504 OUTCOME_UNKNOWN) is.',
      schema: {
        type: 'string',
        maxLength: IDEMPOTENCY_KEY.maxLength + 2,
        pattern: IDEMPOTENCY_KEY.pattern.source,
      },
    }),
    ApiResponse({
      status: 409,
      description:
        'Conflict: the request conflicts with the state of the resource, or (IDEMPOTENCY_KEY_IN_USE) ' +
        'the first request with this Idempotency-Key is still running; Retry-After says when to ask again.',
      ...PROBLEM_RESPONSE,
    }),
    ApiResponse({
      status: 422,
      description:
        'IDEMPOTENCY_KEY_REUSED: this Idempotency-Key was used with a different request.',
      ...PROBLEM_RESPONSE,
    }),
  );
}

/** The header a replayed answer carries. */
export const REPLAYED_HEADER = 'idempotent-replayed';
