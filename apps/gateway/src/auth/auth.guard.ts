import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { OpsController } from '@kinema/platform/ops';
import type { FastifyRequest } from 'fastify';
import { ACCESS_LEVEL_KEY, type AccessLevel } from './access-level.decorator';
import { AccessTokenVerifier } from './access-token.verifier';
import { forbidden, unauthorized } from './auth-problems';
import { setPrincipal } from './principal';
import { FailedAuthentication } from '../rate-limit/failed-authentication';
import { SessionCheck } from './session-check';

/** The access level of the route a request matched; unmarked routes are admin-only. */
export function accessLevelOf(reflector: Reflector, context: ExecutionContext): AccessLevel {
  const declared = reflector.getAllAndOverride<AccessLevel | undefined>(ACCESS_LEVEL_KEY, [
    context.getHandler(),
    context.getClass(),
  ]);
  // Probes and metrics come from the platform library and must answer the kubelet and Prometheus.
  if (!declared && context.getClass() === OpsController) return 'public';
  return declared ?? 'admin';
}

/** `Authorization: Bearer <token>` -> the token; undefined for any other shape. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer +([A-Za-z0-9_.~+/=-]+)$/i.exec(header?.trim() ?? '');
  return match?.[1];
}

/**
 * Runs before everything else on every route: checks the bearer token (signature locally, then
 * the session with the users service) and the route's access level.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: AccessTokenVerifier,
    private readonly sessions: SessionCheck,
    private readonly failures: FailedAuthentication,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const level = accessLevelOf(this.reflector, context);
    if (level === 'public') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    if (header === undefined) {
      if (level === 'optional') return true;
      throw unauthorized('This route needs a bearer access token (POST /api/v1/auth/login).');
    }
    const refuse = async (detail: string) => {
      await this.failures.count(request);
      return unauthorized(detail, true);
    };
    const token = bearerToken(header);
    if (!token) throw await refuse('The Authorization header must be `Bearer <access token>`.');
    const claims = await this.tokens.verify(token);
    if (!claims) throw await refuse('The access token is invalid or expired.');
    const session = await this.sessions.check(token, claims);
    if (!session) throw await refuse('The session of this access token has ended.');
    setPrincipal(request, session);
    if (level === 'admin' && session.role !== 'admin')
      throw forbidden('Only administrators may do this.');
    return true;
  }
}
