import { problem } from '@kinema/platform/errors';
import { ProblemException } from './problem.exception';

// RFC 6750: a 401 names the scheme, and says `invalid_token` when a token was sent but refused.
export function unauthorized(detail: string, tokenSent = false): ProblemException {
  return new ProblemException(
    problem(401, 'Unauthorized', {
      detail,
      code: tokenSent ? 'INVALID_ACCESS_TOKEN' : 'AUTHENTICATION_REQUIRED',
    }),
    {
      'www-authenticate': tokenSent
        ? 'Bearer realm="kinema", error="invalid_token"'
        : 'Bearer realm="kinema"',
    },
  );
}

export function forbidden(detail: string): ProblemException {
  return new ProblemException(problem(403, 'Forbidden', { detail, code: 'ADMIN_REQUIRED' }));
}
