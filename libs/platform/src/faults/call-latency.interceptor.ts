import { InterceptingCall, Metadata, status, type Interceptor } from '@grpc/grpc-js';
import { callLatencyMs, callSeamCreated } from './fault-state';

/**
 * The slow-network seam between this process and `service`: the answer of each call (metadata,
 * messages, status) reaches the caller `callLatencyMs(service)` late, as over a slow link. The
 * client span the gRPC instrumentation records then outlasts the server's span by that much,
 * which is how network time shows in a trace. The answer is delayed rather than the request:
 * grpc-js loses a deadline that fires before a delayed start reaches the channel (the call would
 * hang), and holds only one message of a client stream meanwhile. An answer that would now come
 * after the call's deadline fails DEADLINE_EXCEEDED at the deadline, as it would on the wire.
 * With no latency set (always, unless FAULT_INJECTION=true) a call passes through untouched.
 */
export function callLatencyInterceptor(service: string): Interceptor {
  callSeamCreated(service);
  return (options, nextCall) => {
    const latencyMs = callLatencyMs(service);
    // grpc-js types an interceptor's result as its own class: a pass-through one (a few objects).
    if (latencyMs === 0) return new InterceptingCall(nextCall(options));
    const deadline =
      options.deadline instanceof Date
        ? options.deadline.getTime()
        : (options.deadline ?? Number.POSITIVE_INFINITY);
    // One chain per call keeps metadata, messages and status in the order they came.
    let chain = Promise.resolve();
    const later = (deliver: (late: boolean) => void) => {
      const due = Date.now() + latencyMs;
      chain = chain
        .then(() => delay(Math.min(due, deadline) - Date.now()))
        .then(() => deliver(due > deadline));
    };
    return new InterceptingCall(nextCall(options), {
      start(metadata, _listener, next) {
        next(metadata, {
          onReceiveMetadata: (received: Metadata, nextListener: (m: Metadata) => void) =>
            later(() => nextListener(received)),
          onReceiveMessage: (message: unknown, nextListener: (m: unknown) => void) =>
            later(() => nextListener(message)),
          onReceiveStatus: (received, nextListener) =>
            later((late) =>
              nextListener(
                late
                  ? {
                      code: status.DEADLINE_EXCEEDED,
                      details: 'Deadline exceeded (the answer came late over a slow network)',
                      metadata: new Metadata(),
                    }
                  : received,
              ),
            ),
        });
      },
    });
  };
}

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
