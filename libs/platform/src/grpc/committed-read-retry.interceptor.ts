import {
  InterceptingCall,
  status as Status,
  type Interceptor,
  type Metadata,
  type StatusObject,
} from '@grpc/grpc-js';

/**
 * Sends an idempotent unary read once more when its attempt failed with UNAVAILABLE after the
 * answer had begun to arrive (response headers received). grpc-js's hedging covers every failure
 * before that point; once headers arrive, it commits the call to that attempt, so a replica that
 * dies between its headers and its status (a grpc-js server sends the trailers in a later write
 * than the answer) would fail the read: a SIGKILLed catalog replica failed 4 uncached reads in one
 * of ten runs of tools/bench/rolling-restart.ts. This is grpc-js's documented retry-interceptor pattern, kept to that
 * one case: an attempt that failed before its headers was already retried or hedged by grpc-js,
 * and a method not listed (a write) is never sent twice. The second attempt keeps the call's
 * deadline.
 */
export function committedReadRetryInterceptor(
  service: string,
  idempotentMethods: readonly string[],
): Interceptor {
  const paths = new Set(idempotentMethods.map((method) => `/${service}/${method}`));
  return (options, nextCall) => {
    const { path, requestStream, responseStream } = options.method_definition;
    // Unary only: a stream's messages cannot be held back until its status.
    if (!paths.has(path) || requestStream || responseStream)
      return new InterceptingCall(nextCall(options));
    let sentMetadata: Metadata | undefined;
    let sentMessage: unknown;
    return new InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        sentMetadata = metadata.clone();
        let headersArrived = false;
        // The answer is held until the status: if the attempt then fails, the retry's answer goes
        // to the caller instead (through the same `next`, which also releases the held status).
        let held: { message: unknown; next: (message: unknown) => void } | undefined;
        let delivered = false;
        const deliver = (message: unknown) => {
          delivered = true;
          if (held) held.next(message);
          else listener.onReceiveMessage(message);
        };
        next(metadata, {
          onReceiveMetadata(received, nextMetadata) {
            headersArrived = true;
            nextMetadata(received);
          },
          onReceiveMessage(message, nextMessage) {
            held = { message, next: nextMessage };
          },
          onReceiveStatus(status: StatusObject, nextStatus) {
            if (status.code !== Status.UNAVAILABLE || !headersArrived || !sentMetadata) {
              if (held) deliver(held.message);
              nextStatus(status);
              return;
            }
            const retry = nextCall(options);
            retry.start(sentMetadata, {
              onReceiveMessage: deliver,
              onReceiveStatus: (retried) => {
                // A held message must be let go, or the status would wait for it forever.
                if (held && !delivered) deliver(held.message);
                nextStatus(retried);
              },
            });
            retry.sendMessage(sentMessage);
            retry.halfClose();
          },
        });
      },
      sendMessage(message, next) {
        sentMessage = message;
        next(message);
      },
    });
  };
}
