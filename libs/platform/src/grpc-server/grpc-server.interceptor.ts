import {
  type Metadata,
  status as GrpcStatus,
  type sendUnaryData,
  type ServerUnaryCall,
} from '@grpc/grpc-js';
import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { REQUEST_ID_METADATA } from '@kinema/contracts';
import { Observable, tap, throwError } from 'rxjs';
import { DomainError } from '../errors/domain-error';
import { acceptRequestId, callerController, runWithRequestId } from '../logging/request-context';
import { grpcServerDuration, grpcServerHandled, startTracedTimer } from '../ops/metrics';
import { toGrpcError } from '../errors/grpc-error-codec';
import { textViolations } from './request-text.rule';

/**
 * The call's proto service and method from its path (`/kinema.users.v1.UsersService/GetProfile`),
 * the names clients and dashboards know; undefined where the call object carries no path.
 */
export function rpcName(
  call: { getPath?: () => string } | undefined,
): { grpc_service: string; grpc_method: string } | undefined {
  const path = typeof call?.getPath === 'function' ? call.getPath() : '';
  const match = /^\/([^/]+)\/([^/]+)$/.exec(path);
  return match?.[1] && match[2] ? { grpc_service: match[1], grpc_method: match[2] } : undefined;
}

/**
 * Around every gRPC handler: adopts the caller's request id (for logs and onward calls) and
 * records the call's status and duration (the pod that served it is named by servedByInterceptor).
 */
@Injectable()
export class GrpcServerInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rpc = context.switchToRpc();
    const metadata = rpc.getContext<Metadata>();
    const args = context.getArgs<unknown[]>();
    const streamCall = isClientStreamCall(args);
    // A unary call comes as (request, metadata, call); a client-streaming one as (call, callback).
    const call = (streamCall ? args[0] : args[2]) as ServerUnaryCall<unknown, unknown> | undefined;
    const requestId = acceptRequestId(metadata?.get?.(REQUEST_ID_METADATA)[0]?.toString());
    const labels = rpcName(call) ?? {
      grpc_service: context.getClass().name,
      grpc_method: context.getHandler().name,
    };
    const stopTimer = startTracedTimer(grpcServerDuration, labels);
    // The contract's text rule, for every call of every service, before any handler sees it.
    const request: unknown = rpc.getData();
    const violations = isPlainRequest(request) ? textViolations(request) : [];
    if (streamCall) {
      args[1] = countedAnswer(args, labels, stopTimer);
      return new Observable((subscriber) =>
        runWithRequestId(requestId, () => next.handle().subscribe(subscriber)),
      );
    }
    // The caller's cancel (or its deadline passing) aborts the work's signal: the database work
    // not yet started for it is then not started (guardAbandonedQueries), nor are its onward reads.
    const callerGone = cancellationOf(call);
    return new Observable((subscriber) =>
      runWithRequestId(
        requestId,
        () =>
          (violations.length > 0
            ? throwError(() => DomainError.invalid(violations))
            : next.handle()
          )
            .pipe(
              tap({
                next: () =>
                  grpcServerHandled.inc({ ...labels, grpc_code: GrpcStatus[GrpcStatus.OK] }),
                error: (error: unknown) =>
                  grpcServerHandled.inc({
                    ...labels,
                    grpc_code: GrpcStatus[toGrpcError(error).code],
                  }),
                finalize: () => {
                  callerGone?.release();
                  stopTimer();
                },
              }),
            )
            .subscribe(subscriber),
        callerGone?.signal,
      ),
    );
  }
}

/** A signal aborted when a unary call is cancelled; `release` stops listening once answered. */
function cancellationOf(
  call: ServerUnaryCall<unknown, unknown> | undefined,
): { signal: AbortSignal; release: () => void } | undefined {
  if (typeof call?.once !== 'function') return undefined;
  const controller = callerController();
  if (call.cancelled) controller.abort();
  const abort = () => controller.abort();
  call.once('cancelled', abort);
  return { signal: controller.signal, release: () => call.removeListener('cancelled', abort) };
}

/**
 * A @GrpcStreamCall handler answers through grpc-js's callback, not its return value: the call is
 * counted with the status it hands that callback, or CANCELLED when the client went away first.
 */
function countedAnswer(
  args: unknown[],
  labels: { grpc_service: string; grpc_method: string },
  stopTimer: () => void,
): sendUnaryData<unknown> {
  const call = args[0] as { cancelled?: boolean };
  const answer = args[1] as sendUnaryData<unknown>;
  let counted = false;
  return (error, value, trailer, flags) => {
    if (!counted) {
      counted = true;
      const code = call.cancelled ? GrpcStatus.CANCELLED : (error?.code ?? GrpcStatus.OK);
      grpcServerHandled.inc({ ...labels, grpc_code: GrpcStatus[code] });
      stopTimer();
    }
    answer(error, value, trailer, flags);
  };
}

/**
 * The arguments of a client-streaming call handed over raw (@GrpcStreamCall): the call, which is
 * a stream, and the callback that answers it.
 */
function isClientStreamCall(args: unknown[]): boolean {
  return !isPlainRequest(args[0]) && typeof args[0] === 'object' && typeof args[1] === 'function';
}

/** A decoded unary request (a streaming call hands over its stream instead). */
function isPlainRequest(request: unknown): boolean {
  return (
    typeof request === 'object' &&
    request !== null &&
    typeof (request as { on?: unknown }).on !== 'function'
  );
}
