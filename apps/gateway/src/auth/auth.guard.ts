import { Injectable, type CanActivate, type ExecutionContext, type Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { OpsController } from '@kinema/platform/ops';
import type { FastifyRequest } from 'fastify';
import { ACCESS_LEVEL_KEY, type AccessLevel } from './access-level.decorator';
import { forbidden, unauthorized } from '../http/auth-problems';
import { Authentication } from './authentication';
import { setPrincipal } from '../viewer/principal';
import { FailedAuthentication } from '../rate-limit/failed-authentication';

/** The access level of the route a request matched; unmarked routes are admin-only. */
export function accessLevelOf(reflector: Reflector, context: ExecutionContext): AccessLevel {
  return routeAccessLevel(reflector, context.getHandler(), context.getClass());
}

/** A controller method, as Nest hands it to guards. */
export type RouteHandler = ReturnType<ExecutionContext['getHandler']>;

/**
 * The access level a controller method declares (its own, else its controller's); unmarked
 * routes are admin-only.
 */
export function routeAccessLevel(
  reflector: Reflector,
  handler: RouteHandler,
  controller: Type,
): AccessLevel {
  const declared = reflector.getAllAndOverride<AccessLevel | undefined>(ACCESS_LEVEL_KEY, [
    handler,
    controller,
  ]);
  // Probes and metrics come from the platform library and must answer the kubelet and Prometheus.
  if (!declared && controller === OpsController) return 'public';
  return declared ?? 'admin';
}

/**
 * Runs before everything else on every route: checks the bearer token (signature locally, then
 * the session with the users service) and the route's access level.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authentication: Authentication,
    private readonly failures: FailedAuthentication,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const level = accessLevelOf(this.reflector, context);
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    if (level === 'public') {
      if (header !== undefined && context.getClass() !== OpsController)
        await this.recordCaller(request, header);
      return true;
    }
    if (header === undefined) {
      if (level === 'optional') return true;
      throw unauthorized('This route needs a bearer access token (POST /api/v1/auth/login).');
    }
    const verdict = await this.authentication.ofHeader(header);
    if ('refused' in verdict) {
      await this.failures.count(request);
      throw unauthorized(verdict.refused, true);
    }
    const { session } = verdict;
    setPrincipal(request, session);
    if (level === 'admin' && session.role !== 'admin')
      throw forbidden('Only administrators may do this.');
    return true;
  }

  /**
   * A public route needs no caller, but the request budget counts a signed-in one by account
   * (else one account behind a shared address spends every anonymous neighbour's budget). A token
   * refused here, or a users service out of reach, leaves the request anonymous: counted by
   * address, never refused, as it would be without the header.
   */
  private async recordCaller(request: FastifyRequest, header: string): Promise<void> {
    const verdict = await this.authentication.ofHeader(header).catch(() => undefined);
    if (verdict && 'session' in verdict) setPrincipal(request, verdict.session);
  }
}
