import { TOPICS } from '@kinema/contracts';
import type { Kafka, Producer } from 'kafkajs';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { KafkaConsumerRunner } from './kafka-consumer.runner';

/**
 * A kafkajs consumer as far as the runner uses it: it counts the runs and lets the test send the
 * events kafkajs would (a crash, with whether kafkajs restarts the consumer itself).
 */
function fakeConsumer() {
  const events = {
    GROUP_JOIN: 'consumer.group_join',
    CRASH: 'consumer.crash',
    STOP: 'consumer.stop',
    END_BATCH_PROCESS: 'consumer.end_batch_process',
  };
  const listeners = new Map<string, (event: { payload: Record<string, unknown> }) => void>();
  let runs = 0;
  const consumer = {
    events,
    on: (name: string, listener: (event: { payload: Record<string, unknown> }) => void) =>
      listeners.set(name, listener),
    connect: async () => undefined,
    subscribe: async () => undefined,
    run: async () => {
      runs++;
      listeners.get(events.GROUP_JOIN)?.({ payload: {} });
    },
    disconnect: async () => undefined,
  };
  return {
    consumer,
    runs: () => runs,
    emit: (name: keyof typeof events, payload: Record<string, unknown> = {}) =>
      listeners.get(events[name])?.({ payload }),
  };
}

describe('KafkaConsumerRunner after kafkajs stops its consumer', () => {
  let fake: ReturnType<typeof fakeConsumer>;
  let runner: KafkaConsumerRunner;

  beforeEach(() => {
    fake = fakeConsumer();
    const kafka = { consumer: () => fake.consumer } as unknown as Kafka;
    const producer = { connect: async () => undefined, disconnect: async () => undefined };
    runner = new KafkaConsumerRunner(
      kafka,
      {} as DataSource,
      producer as unknown as Producer,
      { groupId: 'crash-test', topics: [TOPICS.catalogTitles], handle: async () => undefined },
      pino({ level: 'silent' }),
    );
  });

  beforeEach(() => jest.useFakeTimers());
  afterEach(async () => {
    await runner.stop();
    jest.useRealTimers();
  });

  /** Starts the runner and lets its first join complete. */
  async function joined(): Promise<void> {
    runner.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(runner.status.joined).toBe(true);
    expect(fake.runs()).toBe(1);
  }

  it('joins again by itself after an error kafkajs does not restart from, pausing longer each time until a batch is processed', async () => {
    await joined();

    fake.emit('CRASH', { error: new Error('not retriable'), restart: false });
    expect(runner.status).toMatchObject({ joined: false, lastError: 'Error: not retriable' });
    await jest.advanceTimersByTimeAsync(499);
    expect(fake.runs()).toBe(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(fake.runs()).toBe(2);
    expect(runner.status.joined).toBe(true);

    // The same error again at once: the pause doubles.
    fake.emit('CRASH', { error: new Error('not retriable'), restart: false });
    await jest.advanceTimersByTimeAsync(999);
    expect(fake.runs()).toBe(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(fake.runs()).toBe(3);

    // A batch processed since: the next crash pauses as the first did.
    fake.emit('END_BATCH_PROCESS');
    fake.emit('CRASH', { error: new Error('not retriable'), restart: false });
    await jest.advanceTimersByTimeAsync(500);
    expect(fake.runs()).toBe(4);
  });

  it('leaves the restart to kafkajs when kafkajs restarts the consumer', async () => {
    await joined();
    fake.emit('CRASH', { error: new Error('retriable'), restart: true });
    await jest.advanceTimersByTimeAsync(60_000);
    expect(fake.runs()).toBe(1);
  });

  it('does not join again once stopped', async () => {
    await joined();
    fake.emit('CRASH', { error: new Error('not retriable'), restart: false });
    await runner.stop();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(fake.runs()).toBe(1);
  });
});
