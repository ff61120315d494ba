import { Metadata, status as GrpcStatus, type ServerUnaryCall } from '@grpc/grpc-js';
import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { REQUEST_ID_METADATA, SERVED_BY_METADATA } from '@kinema/contracts';
import { hostname } from 'node:os';
import { Observable, tap } from 'rxjs';
import { acceptRequestId, runWithRequestId } from '../logging/request-context';
import { grpcServerDuration, grpcServerHandled } from '../ops/metrics';
import { toGrpcError } from '../errors/grpc-error-codec';

const servedBy = process.env['POD_NAME'] ?? hostname();

/**
 * Around every gRPC handler: adopts the caller's request id (for logs and onward calls),
 * announces which pod serves the call, and records the call's status and duration.
 */
@Injectable()
export class GrpcServerInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const rpc = context.switchToRpc();
    const metadata = rpc.getContext<Metadata>();
    const call = context.getArgByIndex<ServerUnaryCall<unknown, unknown> | undefined>(2);
    const requestId = acceptRequestId(metadata?.get?.(REQUEST_ID_METADATA)[0]?.toString());
    const labels = {
      grpc_service: context.getClass().name,
      grpc_method: context.getHandler().name,
    };
    const stopTimer = grpcServerDuration.startTimer(labels);
    if (call && typeof call.sendMetadata === 'function') {
      const response = new Metadata();
      response.set(SERVED_BY_METADATA, servedBy);
      call.sendMetadata(response);
    }
    return new Observable((subscriber) =>
      runWithRequestId(requestId, () =>
        next
          .handle()
          .pipe(
            tap({
              next: () =>
                grpcServerHandled.inc({ ...labels, grpc_code: GrpcStatus[GrpcStatus.OK] }),
              error: (error: unknown) =>
                grpcServerHandled.inc({
                  ...labels,
                  grpc_code: GrpcStatus[toGrpcError(error).code],
                }),
              finalize: () => stopTimer(),
            }),
          )
          .subscribe(subscriber),
      ),
    );
  }
}
