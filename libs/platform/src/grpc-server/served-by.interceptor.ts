import { Metadata, ServerInterceptingCall, type ServerInterceptor } from '@grpc/grpc-js';
import { SERVED_BY_METADATA } from '@kinema/contracts';
import { REPLICA_NAME } from '../config/replica-name';

/**
 * Names the pod that served a call in the call's trailers. Trailers, not response headers: a
 * grpc-js client commits a call to the attempt that first sends headers, after which its retry
 * and hedging policies no longer apply, so headers sent as the call starts would turn a replica
 * that dies mid-call into a failed read. Trailers go out with the status, answer or error alike.
 */
export const servedByInterceptor: ServerInterceptor = (_method, call) =>
  new ServerInterceptingCall(call, {
    sendStatus(status, next) {
      const metadata = status.metadata?.clone() ?? new Metadata();
      metadata.set(SERVED_BY_METADATA, REPLICA_NAME);
      next({ ...status, metadata });
    },
  });
