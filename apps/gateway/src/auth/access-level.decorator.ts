import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiProblems } from '../http/api-problems.decorator';
import { BEARER_SCHEME } from '../http/openapi';

/**
 * Who may call a route. `optional`: anyone, but a bearer token, when sent, must be valid and
 * personalises the answer. Routes that name no level are treated as `admin` (deny by default).
 */
export type AccessLevel = 'public' | 'optional' | 'viewer' | 'admin';

export const ACCESS_LEVEL_KEY = 'kinema:access-level';

/** Sets a route's (or controller's) access level and documents it in OpenAPI. */
export function Access(level: AccessLevel): MethodDecorator & ClassDecorator {
  const decorators: Array<ClassDecorator | MethodDecorator> = [
    SetMetadata(ACCESS_LEVEL_KEY, level),
  ];
  if (level !== 'public') decorators.push(ApiBearerAuth(BEARER_SCHEME));
  if (level === 'admin') decorators.push(ApiProblems(403));
  return applyDecorators(...decorators);
}
