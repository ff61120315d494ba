import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { FieldViolation } from '@kinema/platform/errors';
import type { FastifyRequest } from 'fastify';
import { NOT_AN_OBJECT } from './input-shape.pipe';
import { ProblemException } from './problem.exception';
import { routeConfigOf } from './route-config';
import { unknownFieldDescription } from './validation.pipe';

/** What a handler reads of a request, from Nest's metadata, once per handler. */
interface Reads {
  query: boolean;
  body: boolean;
}

const readsOf = new WeakMap<object, Reads>();

function handlerReads(context: ExecutionContext): Reads {
  const handler = context.getHandler();
  let reads = readsOf.get(handler);
  if (reads === undefined) {
    const params = Object.keys(
      (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), handler.name) ?? {}) as object,
    );
    // Nest keys a parameter's metadata `<its RouteParamtypes>:<its index>`.
    const declares = (type: RouteParamtypes) => params.some((key) => key.startsWith(`${type}:`));
    reads = { query: declares(RouteParamtypes.QUERY), body: declares(RouteParamtypes.BODY) };
    readsOf.set(handler, reads);
  }
  return reads;
}

function undeclared(names: string[]): FieldViolation[] {
  return names.map((name) => ({ field: name, description: unknownFieldDescription(name) }));
}

/**
 * A route that declares no query parameters refuses any, and one that declares no body refuses
 * a body with fields, as a route with a query or body DTO refuses what its DTO does not name
 * (ValidationPipe's forbidNonWhitelisted), in the same words: the input pipes never see what a
 * handler does not declare, so `GET /genres?colour=red` and `DELETE /titles/{id}` with
 * `{"force": true}` were answered as if those meant something. An empty body (none, or `{}`)
 * is no input. Upload routes read their raw body themselves. A guard, not a pipe, because a pipe
 * runs only on the parameters a handler declares; after the auth and rate-limit guards, so the
 * refusal is answered and counted as a DTO's is.
 */
export class UndeclaredInputGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const reads = handlerReads(context);
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const violations: FieldViolation[] = [];
    if (!reads.query) violations.push(...undeclared(Object.keys(request.query ?? {})));
    const { body } = request;
    if (!reads.body && body != null && routeConfigOf(request).upload === undefined) {
      if (typeof body !== 'object' || Array.isArray(body)) violations.push(NOT_AN_OBJECT);
      else violations.push(...undeclared(Object.keys(body)));
    }
    if (violations.length > 0) throw ProblemException.badRequest(violations);
    return true;
  }
}
