import {
  Metadata,
  status,
  type InterceptingListener,
  type Interceptor,
  type InterceptorOptions,
  type StatusObject,
} from '@grpc/grpc-js';
import { callLatencyInterceptor } from './call-latency.interceptor';
import { applyFault, clearFaults } from './fault-state';

/** The call an interceptor hands its work to (grpc-js does not export the type by name). */
type NextCall = ReturnType<Parameters<Interceptor>[1]>;

/** What reached the code that made the call, in order. */
type Heard = Array<'metadata' | 'message' | `status ${number}`>;

/**
 * One call through the interceptor over a stand-in for the channel: `answer` plays the service
 * answering (metadata, a message, a status); `heard` is what reached the caller, in order.
 */
function call(service: string, deadline: number = Number.POSITIVE_INFINITY) {
  let channel: InterceptingListener | undefined;
  const below: NextCall = {
    start: (_metadata, listener) => (channel = listener as InterceptingListener),
    cancelWithStatus: () => undefined,
    getPeer: () => '127.0.0.1:50051',
    sendMessageWithContext: () => undefined,
    sendMessage: () => undefined,
    startRead: () => undefined,
    halfClose: () => undefined,
    getAuthContext: () => null,
  };
  const options = { deadline } as InterceptorOptions;
  const intercepted = callLatencyInterceptor(service)(options, () => below);
  const heard: Heard = [];
  intercepted.start(new Metadata(), {
    onReceiveMetadata: () => heard.push('metadata'),
    onReceiveMessage: () => heard.push('message'),
    onReceiveStatus: (received: StatusObject) => heard.push(`status ${received.code}`),
  });
  const answer = () => {
    channel?.onReceiveMetadata(new Metadata());
    channel?.onReceiveMessage({ ok: true });
    channel?.onReceiveStatus({ code: status.OK, details: 'OK', metadata: new Metadata() });
  };
  return { heard, answer };
}

describe('the slow-network seam (answers of calls to one service arrive late)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    clearFaults();
    jest.useRealTimers();
  });

  it('passes every answer straight through while no latency is set', () => {
    const { heard, answer } = call('catalog');
    answer();
    expect(heard).toEqual(['metadata', 'message', `status ${status.OK}`]);
  });

  it('hands the whole answer on, in order, exactly the latency late, then not at all once removed', async () => {
    callLatencyInterceptor('catalog');
    expect(applyFault({ kind: 'call-latency', service: 'catalog', latencyMs: 200 })).toEqual({
      applied: true,
    });
    const slow = call('catalog');
    slow.answer();
    await jest.advanceTimersByTimeAsync(199);
    expect(slow.heard).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(slow.heard).toEqual(['metadata', 'message', `status ${status.OK}`]);

    applyFault({ kind: 'call-latency', service: 'catalog', latencyMs: 0 });
    const fast = call('catalog');
    fast.answer();
    expect(fast.heard).toEqual(['metadata', 'message', `status ${status.OK}`]);
  });

  it('leaves calls to other services alone', () => {
    callLatencyInterceptor('catalog');
    applyFault({ kind: 'call-latency', service: 'catalog', latencyMs: 200 });
    const { heard, answer } = call('users');
    answer();
    expect(heard).toEqual(['metadata', 'message', `status ${status.OK}`]);
  });

  it('fails a call DEADLINE_EXCEEDED at its deadline when the answer would come after it', async () => {
    callLatencyInterceptor('catalog');
    applyFault({ kind: 'call-latency', service: 'catalog', latencyMs: 6_000 });
    const { heard, answer } = call('catalog', Date.now() + 5_000);
    answer();
    await jest.advanceTimersByTimeAsync(4_999);
    expect(heard).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(heard).toEqual(['metadata', 'message', `status ${status.DEADLINE_EXCEEDED}`]);
  });

  it('is refused for a service this process has no client for', () => {
    expect(applyFault({ kind: 'call-latency', service: 'nowhere', latencyMs: 200 })).toEqual({
      applied: false,
      reason: 'this process makes no gRPC calls to nowhere',
    });
  });
});
