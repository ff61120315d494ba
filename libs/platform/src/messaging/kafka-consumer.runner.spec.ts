import { TOPICS } from '@kinema/contracts';
import type { Kafka, Producer } from 'kafkajs';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { KafkaConsumerRunner } from './kafka-consumer.runner';

/**
 * A kafkajs consumer as far as the runner uses it: it counts the runs and lets the test send the
 * events kafkajs would (a crash, with whether kafkajs restarts the consumer itself).
 */
function fakeConsumer(connect: () => Promise<void> = async () => undefined) {
  const events = {
    GROUP_JOIN: 'consumer.group_join',
    CRASH: 'consumer.crash',
    STOP: 'consumer.stop',
    END_BATCH_PROCESS: 'consumer.end_batch_process',
  };
  type Listener = (event: { payload: Record<string, unknown> }) => void;
  // An event emitter, as kafkajs's consumer is: every listener of an event hears it.
  const listeners = new Map<string, Listener[]>();
  const emit = (name: string, payload: Record<string, unknown>) =>
    listeners.get(name)?.forEach((listener) => listener({ payload }));
  let runs = 0;
  let subscribes = 0;
  let connected = false;
  const consumer = {
    events,
    on: (name: string, listener: Listener) =>
      listeners.set(name, [...(listeners.get(name) ?? []), listener]),
    connect: async () => {
      await connect();
      connected = true;
    },
    subscribe: async () => void subscribes++,
    run: async () => {
      runs++;
      emit(events.GROUP_JOIN, {});
    },
    disconnect: async () => void (connected = false),
  };
  return {
    consumer,
    runs: () => runs,
    subscribes: () => subscribes,
    connected: () => connected,
    emit: (name: keyof typeof events, payload: Record<string, unknown> = {}) =>
      emit(events[name], payload),
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

describe('KafkaConsumerRunner stopped before its consumer ever joined', () => {
  it('stops at once while a connect is under way, and lets go of the connection once it is made', async () => {
    jest.useFakeTimers();
    try {
      // A broker that is down or restarting: the connect neither succeeds nor fails yet.
      let connectNow: (() => void) | undefined;
      const fake = fakeConsumer(() => new Promise<void>((resolve) => (connectNow = resolve)));
      const kafka = { consumer: () => fake.consumer } as unknown as Kafka;
      let producerConnected = false;
      const producer = {
        connect: async () => void (producerConnected = true),
        disconnect: async () => void (producerConnected = false),
      };
      const runner = new KafkaConsumerRunner(
        kafka,
        {} as DataSource,
        producer as unknown as Producer,
        { groupId: 'never-joined', topics: [TOPICS.catalogTitles], handle: async () => undefined },
        pino({ level: 'silent' }),
      );
      runner.start();
      await jest.advanceTimersByTimeAsync(0);

      let stopped = false;
      void runner.stop().then(() => (stopped = true));
      // No time passes: the stop does not wait for the connect to give up.
      await jest.advanceTimersByTimeAsync(0);
      expect(stopped).toBe(true);

      // The connect succeeds after the stop: nothing is subscribed and no connection is kept.
      if (!connectNow) throw new Error('the runner never began to connect');
      connectNow();
      await jest.advanceTimersByTimeAsync(0);
      expect(fake.subscribes()).toBe(0);
      expect(fake.connected()).toBe(false);
      expect(producerConnected).toBe(false);
    } finally {
      jest.useRealTimers();
    }
  });
});
