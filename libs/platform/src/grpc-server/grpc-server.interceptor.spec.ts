import { Metadata } from '@grpc/grpc-js';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { firstValueFrom, Observable } from 'rxjs';
import { currentCallerSignal } from '../logging/request-context';
import { GrpcServerInterceptor } from './grpc-server.interceptor';

/** A unary call as Nest hands it to an interceptor: (request, metadata, call). */
function unaryCall(call: EventEmitter & { cancelled?: boolean }): ExecutionContext {
  const args = [{ id: 'x' }, new Metadata(), call];
  return {
    getArgs: () => args,
    switchToRpc: () => ({ getContext: () => args[1], getData: () => args[0] }),
    getClass: () => class TestService {},
    getHandler: () => ({ name: 'getThing' }),
  } as unknown as ExecutionContext;
}

describe('GrpcServerInterceptor', () => {
  it("gives the handler's work a signal aborted when its caller cancels the call", async () => {
    const call = Object.assign(new EventEmitter(), {
      cancelled: false,
      getPath: () => '/t.v1.T/Get',
    });
    let signal: AbortSignal | undefined;
    let finish: () => void = () => undefined;
    const handler: CallHandler = {
      handle: () =>
        new Observable((subscriber) => {
          signal = currentCallerSignal();
          finish = () => {
            subscriber.next('answer');
            subscriber.complete();
          };
        }),
    };
    const answered = firstValueFrom(
      new GrpcServerInterceptor().intercept(unaryCall(call), handler),
    );
    expect(signal?.aborted).toBe(false);
    call.emit('cancelled');
    expect(signal?.aborted).toBe(true);
    finish();
    await expect(answered).resolves.toBe('answer');
    // Answered: it no longer listens to the call.
    expect(call.listenerCount('cancelled')).toBe(0);
  });
});
