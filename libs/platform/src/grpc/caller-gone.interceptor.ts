import { InterceptingCall, status as Status, type Interceptor } from '@grpc/grpc-js';
import { currentCallerSignal } from '../logging/request-context';

/**
 * Cancels an idempotent read once the caller it is made for has gone (the HTTP client closed its
 * connection, or the call this one serves was cancelled): the service then starts none of the
 * database work it had queued for it (guardAbandonedQueries). Without it, requests given up on
 * while a database was slow each kept their place in its queue: 15 clients that left after
 * 200 ms made the next read wait past its 5 s deadline (504). A write is never cancelled here: it
 * finishes as it was sent, whoever waits for it.
 */
export function callerGoneInterceptor(
  service: string,
  idempotentMethods: readonly string[],
): Interceptor {
  const paths = new Set(idempotentMethods.map((method) => `/${service}/${method}`));
  return (options, nextCall) => {
    const signal = currentCallerSignal();
    if (!signal || !paths.has(options.method_definition.path))
      return new InterceptingCall(nextCall(options));
    const call = new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        const cancel = () => call.cancelWithStatus(Status.CANCELLED, 'The caller went away.');
        if (signal.aborted) {
          // Started for a caller already gone: grpc-js answers CANCELLED without sending it.
          next(metadata, listener);
          cancel();
          return;
        }
        signal.addEventListener('abort', cancel, { once: true });
        next(metadata, {
          onReceiveStatus(status, nextStatus) {
            signal.removeEventListener('abort', cancel);
            nextStatus(status);
          },
        });
      },
    });
    return call;
  };
}
