import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AccountRoleName } from '@kinema/contracts';
import type { FastifyRequest } from 'fastify';
import { unauthorized } from '../http/auth-problems';

/** The caller behind a verified, still-live access token. */
export interface Principal {
  accountId: string;
  role: AccountRoleName;
  sessionId: string;
}

// Keyed by the request object, so nothing outlives the request and Fastify's shape is untouched.
const principals = new WeakMap<FastifyRequest, Principal>();

export function setPrincipal(request: FastifyRequest, principal: Principal): void {
  principals.set(request, principal);
}

export function principalOf(request: FastifyRequest): Principal | undefined {
  return principals.get(request);
}

/** The signed-in caller; 401 when the route let an anonymous request through. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = principalOf(context.switchToHttp().getRequest<FastifyRequest>());
    if (!principal) throw unauthorized('A bearer access token is required.');
    return principal;
  },
);
