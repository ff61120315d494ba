import { IDEMPOTENCY_KEY } from '@kinema/contracts';
import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { PROBLEM_RESPONSE } from '../http/api-problems.decorator';

const IDEMPOTENT_ROUTE = 'kinema:idempotent';

/** Whether a route's handler is marked @Idempotent(). */
export function isIdempotentRoute(handler: object): boolean {
  return Reflect.getMetadata(IDEMPOTENT_ROUTE, handler) === true;
}

const HOURS = IDEMPOTENCY_KEY.retentionSeconds / 3600;

/** An Idempotency-Key's syntax, as the API document states it (quotes included). */
export const IDEMPOTENCY_KEY_SCHEMA = {
  type: 'string',
  maxLength: IDEMPOTENCY_KEY.maxLength + 2,
  pattern: IDEMPOTENCY_KEY.pattern.source,
} as const;

/**
 * Marks a POST that accepts an Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): a
 * retry with the key and the same request is answered with the first attempt's answer, replayed,
 * instead of being applied again. Documents the header and the answers it adds.
 */
export function Idempotent(): MethodDecorator {
  return applyDecorators(
    SetMetadata(IDEMPOTENT_ROUTE, true),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'A key unique to this request (a UUID, say), to send it again safely after a timeout or ' +
        `a lost answer: for ${HOURS} hours a request with the same key and the same body is ` +
        'answered with the first answer (marked `Idempotent-Replayed: true`) without being ' +
        'applied again. Keys are per caller. An answer that failed (4xx, 503) is not kept, so a ' +
        'corrected request may reuse the key; one whose outcome is unknown (504 OUTCOME_UNKNOWN) ' +
        'is.',
      schema: IDEMPOTENCY_KEY_SCHEMA,
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
