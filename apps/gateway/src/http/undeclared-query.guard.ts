import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from './problem.exception';
import { unknownFieldDescription } from './validation.pipe';

/** Whether a handler reads its query (`@Query()`), read once per handler from Nest's metadata. */
const readsQuery = new WeakMap<object, boolean>();

function handlerReadsQuery(context: ExecutionContext): boolean {
  const handler = context.getHandler();
  let reads = readsQuery.get(handler);
  if (reads === undefined) {
    const params = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ??
      {}) as Record<string, unknown>;
    // Nest keys a parameter's metadata `<its RouteParamtypes>:<its index>`.
    reads = Object.keys(params).some((key) => key.startsWith(`${RouteParamtypes.QUERY}:`));
    readsQuery.set(handler, reads);
  }
  return reads;
}

/**
 * A route that declares no query parameters refuses any, as a route with a query DTO refuses the
 * ones its DTO does not name (ValidationPipe's forbidNonWhitelisted), in the same words: the
 * input pipes never see the query of a handler without `@Query()`, so `GET /genres?colour=red`
 * was answered as if the parameter meant something. A guard, not a pipe, because a pipe runs
 * only on the parameters a handler declares; after the auth and rate-limit guards, so a refused
 * query is answered and counted as a refused DTO is.
 */
export class UndeclaredQueryGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http' || handlerReadsQuery(context)) return true;
    const query = context.switchToHttp().getRequest<FastifyRequest>().query;
    const names = Object.keys((query as Record<string, unknown> | undefined) ?? {});
    if (names.length === 0) return true;
    throw ProblemException.badRequest(
      names.map((name) => ({ field: name, description: unknownFieldDescription(name) })),
    );
  }
}
