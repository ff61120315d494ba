import { stopIdleRequestQueueLoop } from './request-queue-idle';

interface Queue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

// kafkajs's internal queue (no types).
const RequestQueue = require('kafkajs/src/network/requestQueue') as new (options: object) => Queue;

const queues: Queue[] = [];

function queue(): Queue {
  const created = new RequestQueue({
    maxInFlightRequests: 1,
    requestTimeout: 1_000,
    clientId: 'test',
    broker: 'localhost:9092',
    logger: { debug: () => undefined },
  });
  queues.push(created);
  return created;
}

describe('stopIdleRequestQueueLoop (kafkajs connections idle without a timer loop)', () => {
  beforeAll(() => stopIdleRequestQueueLoop());
  afterEach(() => {
    for (const q of queues.splice(0))
      if (q.throttleCheckTimeoutId) clearTimeout(q.throttleCheckTimeoutId);
  });

  it('arms no timer after an answer when nothing waits and nothing is throttled', () => {
    const q = queue();
    q.checkPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
  });

  it('still checks again while a request waits', () => {
    const q = queue();
    q.pending.push({});
    q.scheduleCheckPendingRequests();
    expect(q.throttleCheckTimeoutId).not.toBeNull();
  });

  it('still checks again when a throttle ends, even with nothing waiting', () => {
    const q = queue();
    q.throttledUntil = Date.now() + 60_000;
    q.scheduleCheckPendingRequests();
    expect(q.throttleCheckTimeoutId).not.toBeNull();
  });
});
