import { ALL_TOPICS, deadLetterTopic, TOPICS } from '@kinema/contracts';
import {
  createTestDatabase,
  startKafkaBroker,
  type RunningKafkaBroker,
  type TestDatabase,
  waitFor,
} from '@kinema/dev-infra';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { logLevel, type Consumer, type Kafka, type Producer } from 'kafkajs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { runMigrationsLocked } from '../database/migrations';
import {
  fromKafkaMessage,
  MalformedEventError,
  toKafkaMessage,
} from '../kafka/event-envelope.codec';
import { kafkaClient } from '../kafka/kafka.factory';
import { KafkaConsumerRunner } from './kafka-consumer.runner';
import { MESSAGING_MIGRATIONS } from './messaging.migration';
import { OutboxPublisher } from './outbox.publisher';
import { OUTBOX_RELAY_BATCH_SIZE, OutboxRelay } from './outbox.relay';
import { ensureTopics } from './topic-admin';
import { inMemoryTracing } from '../testing/in-memory-tracing';

const logger = pino({ level: 'silent' });
const topic = TOPICS.catalogTitles;
let database: TestDatabase;
let dataSource: DataSource;
let broker: RunningKafkaBroker;
let dataDir: string;

function kafkaFor(address: string): Kafka {
  return kafkaClient({
    clientId: 'messaging-test',
    brokers: [address],
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 100 },
  });
}

/** Collects every message of a topic from the beginning with a plain kafkajs consumer. */
async function collect(kafka: Kafka, name: string, groupId: string) {
  const seen: Array<{ key: string; value: string; headers: Record<string, string> }> = [];
  const consumer: Consumer = kafka.consumer({
    groupId,
    sessionTimeout: 6_000,
    heartbeatInterval: 500,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: name, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers = Object.fromEntries(
        Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]),
      );
      seen.push({ key: String(message.key), value: String(message.value), headers });
    },
  });
  return { seen, stop: () => consumer.disconnect() };
}

beforeAll(async () => {
  database = await createTestDatabase('messaging');
  dataSource = new DataSource({
    type: 'postgres',
    url: database.url,
    migrations: MESSAGING_MIGRATIONS,
    extra: { max: database.poolMax },
  });
  await dataSource.initialize();
  await runMigrationsLocked(dataSource, 4242);
  await dataSource.query(
    'CREATE TABLE handled (event_id text PRIMARY KEY, payload jsonb NOT NULL)',
  );
  dataDir = mkdtempSync(join(tmpdir(), 'kinema-messaging-'));
  broker = await startKafkaBroker({ dataDir, defaultPartitions: 6 });
  await ensureTopics(kafkaFor(broker.address), ALL_TOPICS, 6);
}, 60_000);

afterAll(async () => {
  await broker?.stop();
  await dataSource?.destroy();
  await database?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('transactional outbox', () => {
  it('sends nothing for a transaction that rolls back', async () => {
    const publisher = new OutboxPublisher('/kinema/test');
    await expect(
      dataSource.transaction(async (manager) => {
        await publisher.publish(manager, { topic, type: 'test.Rolled', subject: 'k', data: {} });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const [{ count }] = await dataSource.query('SELECT count(*)::int AS count FROM outbox_events');
    expect(count).toBe(0);
  });

  it('refuses to publish outside a transaction', async () => {
    const publisher = new OutboxPublisher('/kinema/test');
    await expect(
      publisher.publish(dataSource.manager, { topic, type: 't', subject: 'k', data: {} }),
    ).rejects.toThrow(/inside the transaction/);
  });

  it('delivers every event, in order per key, across a broker stop and restart mid-stream', async () => {
    const publisher = new OutboxPublisher('/kinema/test');
    const producer = kafkaFor(broker.address).producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: { retries: 2, maxRetryTime: 1_000 },
    });
    const relay = new OutboxRelay(dataSource, producer, logger, {
      idleMs: 50,
      maxBackoffMs: 500,
    });
    relay.start();
    const keys = ['a', 'b', 'c', 'd', 'e'];
    const commit = async (n: number) =>
      dataSource.transaction(async (manager) => {
        const key = keys[n % keys.length];
        await publisher.publish(manager, {
          topic,
          type: 'test.Counted',
          subject: key,
          data: { key, n },
        });
      });
    for (let n = 0; n < 60; n++) await commit(n);
    const port = broker.port;
    await broker.stop();
    for (let n = 60; n < 150; n++) await commit(n);
    await waitFor(() => relay.status.kafkaReachable === false, 'the relay to see Kafka gone');
    broker = await startKafkaBroker({ dataDir, port, defaultPartitions: 6 });
    await waitFor(
      async () => {
        const [{ pending }] = await dataSource.query(
          'SELECT count(*)::int AS pending FROM outbox_events WHERE sent_at IS NULL',
        );
        return pending === 0;
      },
      'the outbox to drain once Kafka is back',
      { timeoutMs: 40_000 },
    );
    await relay.stop();

    const { seen, stop } = await collect(kafkaFor(broker.address), topic, 'outbox-order-check');
    await waitFor(() => seen.length >= 150, 'all 150 events on the topic');
    await stop();
    const ns = seen.map((m) => (JSON.parse(m.value) as { n: number }).n);
    expect(new Set(ns).size).toBe(150);
    for (const key of keys) {
      const order = seen
        .filter((m) => m.key === key)
        .map((m) => (JSON.parse(m.value) as { n: number }).n);
      expect(order).toEqual([...order].sort((x, y) => x - y));
    }
    const first = seen[0];
    expect(first.headers['ce_type']).toBe('test.Counted');
    expect(first.headers['ce_source']).toBe('/kinema/test');
    expect(first.headers['ce_subject']).toBe(first.key);
  }, 90_000);
});

/** A producer whose sends the test controls: each waits for `open`, or fails while `failing`. */
function controlledProducer() {
  const sent: string[][] = [];
  let release: () => void = () => undefined;
  let gate = Promise.resolve();
  const control = {
    sent,
    failing: false,
    calls: 0,
    hold() {
      gate = new Promise<void>((resolve) => (release = resolve));
    },
    open: () => release(),
    producer: {
      connect: async () => undefined,
      disconnect: async () => undefined,
      sendBatch: async (batch: { topicMessages: Array<{ messages: Array<{ key: string }> }> }) => {
        control.calls += 1;
        await gate;
        if (control.failing) throw new Error('broker down');
        sent.push(batch.topicMessages.flatMap((t) => t.messages.map((m) => String(m.key))));
      },
    } as unknown as Producer,
  };
  return control;
}

/**
 * The data source, refusing every query while `down`, as a database that went away does, and
 * counting the queries it refused.
 */
function severable(source: DataSource): { source: DataSource; down: boolean; refused: number } {
  const severed = {
    down: false,
    refused: 0,
    source: new Proxy(source, {
      get(target, key, receiver) {
        if (key !== 'query') return Reflect.get(target, key, receiver);
        return (sql: string, parameters?: unknown[]) => {
          if (!severed.down) return target.query(sql, parameters);
          severed.refused += 1;
          return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:15431'));
        };
      },
    }),
  };
  return severed;
}

/** A logger whose lines (message and level) the test reads. */
function recordingLogger() {
  const lines: Array<{ level: string; msg: string }> = [];
  const recorder = pino(
    { level: 'info', formatters: { level: (level) => ({ level }) } },
    {
      write: (line: string) => void lines.push(JSON.parse(line) as { level: string; msg: string }),
    },
  );
  return { lines, logger: recorder };
}

/** The data source, counting the relay's looks for pending rows. */
function countingLooks(source: DataSource): { source: DataSource; looks: number } {
  const counted = {
    looks: 0,
    source: new Proxy(source, {
      get(target, key, receiver) {
        if (key !== 'query') return Reflect.get(target, key, receiver);
        return (sql: string, parameters?: unknown[]) => {
          if (/FROM outbox_events WHERE sent_at IS NULL/.test(sql)) counted.looks += 1;
          return target.query(sql, parameters);
        };
      },
    }),
  };
  return counted;
}

describe('the outbox relay', () => {
  const publisher = new OutboxPublisher('/kinema/test');
  const publish = (subject: string) =>
    dataSource.transaction((manager) =>
      publisher.publish(manager, { topic, type: 'test.Relayed', subject, data: {} }),
    );
  const row = async (eventId: string) =>
    (
      await dataSource.query(
        'SELECT attempts, last_error, sent_at FROM outbox_events WHERE event_id = $1',
        [eventId],
      )
    )[0] as { attempts: number; last_error: string | null; sent_at: Date | null };

  beforeEach(async () => {
    await dataSource.query('DELETE FROM outbox_events');
  });

  it('holds no connection while Kafka is slow: the one pooled connection keeps serving', async () => {
    const single = new DataSource({ type: 'postgres', url: database.url, extra: { max: 1 } });
    await single.initialize();
    const control = controlledProducer();
    control.hold();
    const relay = new OutboxRelay(single, control.producer, logger, { idleMs: 20 });
    try {
      await publish('slow');
      relay.start();
      await waitFor(() => control.calls === 1, 'the relay to make its first send');
      // With a transaction open across the send, this would wait for Kafka.
      expect(await single.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      control.open();
      await relay.stop();
      await single.destroy();
    }
  });

  it('counts every send in attempts and keeps the last error until the row is sent', async () => {
    const control = controlledProducer();
    control.failing = true;
    const relay = new OutboxRelay(dataSource, control.producer, logger, {
      idleMs: 20,
      maxBackoffMs: 50,
    });
    const eventId = await publish('flaky');
    relay.start();
    try {
      await waitFor(async () => (await row(eventId)).attempts >= 1, 'a failed send to be recorded');
      expect(await row(eventId)).toMatchObject({ last_error: 'broker down', sent_at: null });
      expect(relay.status).toMatchObject({
        kafkaReachable: false,
        lastError: 'Kafka: broker down',
      });
      control.failing = false;
      await waitFor(
        async () => (await row(eventId)).sent_at !== null,
        'the event to be sent once the broker answers',
      );
      const sent = await row(eventId);
      expect(sent.last_error).toBeNull();
      expect(sent.attempts).toBe(control.calls);
    } finally {
      await relay.stop();
    }
  });

  it('says its database failed, not Kafka, while the database is down, and sends once it is back', async () => {
    const control = controlledProducer();
    const severed = severable(dataSource);
    const { lines, logger: recorder } = recordingLogger();
    const relay = new OutboxRelay(severed.source, control.producer, recorder, {
      idleMs: 20,
      maxBackoffMs: 50,
    });
    const eventId = await publish('while-down');
    severed.down = true;
    relay.start();
    try {
      await waitFor(() => relay.status.lastError !== undefined, 'the relay to fail');
      // What readiness reports: Kafka answered; the database is what failed.
      expect(relay.status).toMatchObject({
        kafkaReachable: true,
        lastError: 'database: connect ECONNREFUSED 127.0.0.1:15431',
      });
      // Tried again and again (its backoff is 50 ms here), told once: one line per period.
      await waitFor(() => severed.refused >= 5, 'the relay to try five times');
      const warnings = lines.filter((line) => line.level === 'warn');
      expect(warnings).toEqual([
        expect.objectContaining({
          msg: 'outbox relay: database failed, will retry',
        }),
      ]);
      severed.down = false;
      await waitFor(async () => (await row(eventId)).sent_at !== null, 'the event to be sent');
      expect(relay.status.lastError).toBeUndefined();
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 'info',
          msg: 'outbox relay: database answers again, sending pending events',
        }),
      );
      expect(lines.map((line) => line.msg).join('\n')).not.toMatch(/Kafka/);
    } finally {
      await relay.stop();
    }
  });

  it('waits out its backoff while the broker is down, however many writes wake it', async () => {
    const control = controlledProducer();
    control.failing = true;
    const relay = new OutboxRelay(dataSource, control.producer, logger, {
      idleMs: 20,
      firstBackoffMs: 60_000,
    });
    relay.start();
    try {
      await publish('first');
      await waitFor(() => control.calls === 1, 'the first send to fail');
      // Each write's commit wakes the relay; in its backoff it does not try again for them.
      for (let i = 0; i < 20; i++) {
        await publish(`during-${i}`);
        relay.wake();
      }
      expect(control.calls).toBe(1);
    } finally {
      await relay.stop();
    }
    // stop() still ends the backoff at once, with no send made on the way out.
    expect(control.calls).toBe(1);
  });

  it('relays from one replica at a time: two relays send each event once, in order', async () => {
    const [one, two] = [controlledProducer(), controlledProducer()];
    const relays = [one, two].map(
      (control) =>
        new OutboxRelay(dataSource, control.producer, logger, { idleMs: 10, batchSize: 7 }),
    );
    relays.forEach((relay) => relay.start());
    try {
      for (let i = 0; i < 60; i++) await publish(`k${String(i).padStart(2, '0')}`);
      await waitFor(
        () => [...one.sent, ...two.sent].flat().length >= 60,
        'all 60 events sent between the two relays',
      );
      // One of them holds the lease and sends everything; the other sends nothing.
      const sent = [one.sent.flat(), two.sent.flat()].sort((a, b) => b.length - a.length);
      expect(sent[0]).toEqual(
        Array.from({ length: 60 }, (_, i) => `k${String(i).padStart(2, '0')}`),
      );
      expect(sent[1]).toEqual([]);
    } finally {
      await Promise.all(relays.map((relay) => relay.stop()));
    }
  });

  it("drains a job's rows once, batch after batch, and hands the lease on to the service's relay", async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `d${String(i).padStart(2, '0')}`);
    for (const key of keys) await publish(key);
    const job = controlledProducer();
    const drained = new OutboxRelay(dataSource, job.producer, logger, { batchSize: 7 });
    expect(await drained.drain()).toBe(20);
    await drained.stop();
    expect(job.sent).toEqual([keys.slice(0, 7), keys.slice(7, 14), keys.slice(14)]);
    // Without the lease handed on, the service's relay would wait 30 s for it to expire.
    const service = controlledProducer();
    const relay = new OutboxRelay(dataSource, service.producer, logger, { idleMs: 10 });
    relay.start();
    try {
      const eventId = await publish('after-the-job');
      await waitFor(
        async () => (await row(eventId)).sent_at !== null,
        'the event published after the job to be sent',
        { timeoutMs: 2_000 },
      );
      expect(service.sent.flat()).toEqual(['after-the-job']);
    } finally {
      await relay.stop();
    }
  });

  it('leaves the rows a drain could not send pending, with the reason', async () => {
    const control = controlledProducer();
    control.failing = true;
    const eventId = await publish('refused');
    const drained = new OutboxRelay(dataSource, control.producer, logger, {});
    await expect(drained.drain()).rejects.toThrow('broker down');
    await drained.stop();
    expect(await row(eventId)).toMatchObject({ sent_at: null, last_error: 'broker down' });
  });

  it('looks for rows nothing woke it for every idleMs alone, every pollMs while another replica contends', async () => {
    // Marks left by the relays of the tests before must not count as a contender now.
    await dataSource.query("UPDATE outbox_relay_lease SET contended_at = '-infinity'");
    const options = { idleMs: 1_000, pollMs: 5 };
    const holder = countingLooks(dataSource);
    const alone = new OutboxRelay(holder.source, controlledProducer().producer, logger, options);
    alone.start();
    try {
      await waitFor(() => holder.looks > 0, 'the lease holder to look for work');
      // Alone for 2 s: a look per idleMs (a poll every 5 ms would make hundreds).
      const first = holder.looks;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(holder.looks - first).toBeLessThanOrEqual(4);
      const other = new OutboxRelay(dataSource, controlledProducer().producer, logger, options);
      other.start();
      try {
        const second = holder.looks;
        await waitFor(() => holder.looks - second >= 40, '40 more looks by the lease holder', {
          timeoutMs: 10_000,
        });
        // And a row the other replica committed leaves without anyone waking the holder.
        const eventId = await publish('from-the-other-replica');
        await waitFor(
          async () => (await row(eventId)).sent_at !== null,
          "the other replica's event to be sent",
          { timeoutMs: 2_000 },
        );
      } finally {
        await other.stop();
      }
    } finally {
      await alone.stop();
    }
  });

  it('forgets handled event ids after the idempotency window', async () => {
    await dataSource.query(
      `INSERT INTO processed_events (consumer_group, event_id, processed_at)
       VALUES ('g', 'old', now() - interval '2 hours'), ('g', 'recent', now())`,
    );
    const relay = new OutboxRelay(dataSource, controlledProducer().producer, logger, {
      processedRetentionMs: 3_600_000,
    });
    relay.start();
    try {
      const ids = async () =>
        (
          (await dataSource.query(
            "SELECT event_id FROM processed_events WHERE consumer_group = 'g' ORDER BY event_id",
          )) as Array<{ event_id: string }>
        ).map((r) => r.event_id);
      await waitFor(async () => !(await ids()).includes('old'), 'the old sent event to be pruned');
      expect(await ids()).toEqual(['recent']);
    } finally {
      await relay.stop();
    }
  });
});

describe('trace context through the outbox', () => {
  // A topic of its own: the tests above filled catalog.titles.v1.
  const topic = TOPICS.usersAccounts;
  const tracing = inMemoryTracing();
  const { spans } = tracing;
  beforeAll(() => tracing.start());
  afterAll(() => tracing.stop());

  it('keeps the context of the change with the row, carries it in the event, and links the publish span to it', async () => {
    const publisher = new OutboxPublisher('/kinema/test');
    const request = trace.getTracer('test').startSpan('PATCH /titles/:id', {
      kind: SpanKind.SERVER,
    });
    const eventId = await context.with(trace.setSpan(context.active(), request), () =>
      dataSource.transaction((manager) =>
        publisher.publish(manager, { topic, type: 'test.Traced', subject: 't1', data: {} }),
      ),
    );
    request.end();
    const create = spans.getFinishedSpans().find((span) => span.name === `create ${topic}`);
    expect(create?.kind).toBe(SpanKind.PRODUCER);
    expect(create?.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(create?.attributes['messaging.message.id']).toBe(eventId);
    const traceparent = `00-${request.spanContext().traceId}-${create?.spanContext().spanId}-01`;

    const kafka = kafkaFor(broker.address);
    const relay = new OutboxRelay(dataSource, kafka.producer(), logger, { idleMs: 50 });
    const { seen, stop } = await collect(kafka, topic, 'trace-check');
    relay.start();
    try {
      await waitFor(
        () => seen.some((message) => message.headers['ce_id'] === eventId),
        'the event on the topic',
      );
    } finally {
      await relay.stop();
      await stop();
    }
    expect(seen.find((m) => m.headers['ce_id'] === eventId)?.headers['ce_traceparent']).toBe(
      traceparent,
    );
    const publish = spans.getFinishedSpans().find((span) => span.name === 'outbox publish');
    expect(publish?.spanContext().traceId).not.toBe(request.spanContext().traceId);
    expect(publish?.links.map((link) => link.context.spanId)).toContain(
      create?.spanContext().spanId,
    );
  }, 60_000);

  it('keeps the link to every change of a backlog: no publish span drops one', async () => {
    const backlog = 2 * OUTBOX_RELAY_BATCH_SIZE + 1;
    const publisher = new OutboxPublisher('/kinema/test');
    const changes = new Set<string>();
    spans.reset();
    for (let n = 0; n < backlog; n++) {
      const request = trace.getTracer('test').startSpan(`PATCH /titles/${n}`);
      await context.with(trace.setSpan(context.active(), request), () =>
        dataSource.transaction((manager) =>
          publisher.publish(manager, { topic, type: 'test.Backlog', subject: `b${n}`, data: {} }),
        ),
      );
      request.end();
    }
    for (const span of spans.getFinishedSpans()) {
      if (span.name === `create ${topic}` && span.attributes['messaging.message.id'])
        changes.add(span.spanContext().spanId);
    }
    spans.reset();
    const relay = new OutboxRelay(dataSource, kafkaFor(broker.address).producer(), logger, {
      idleMs: 50,
    });
    relay.start();
    try {
      await waitFor(() => relay.status.sentTotal >= backlog, 'the whole backlog sent');
    } finally {
      await relay.stop();
    }
    const publishes = spans.getFinishedSpans().filter((span) => span.name === 'outbox publish');
    expect(publishes.map((span) => span.droppedLinksCount)).toEqual(publishes.map(() => 0));
    const linked = new Set(publishes.flatMap((span) => span.links.map((l) => l.context.spanId)));
    expect([...changes].filter((spanId) => !linked.has(spanId))).toEqual([]);
  }, 60_000);
});

describe('idempotent consumer', () => {
  // A topic of its own: the outbox test above filled catalog.titles.v1.
  const topic = TOPICS.videosVideos;

  it('handles a duplicate delivery once, dead-letters a poison message after N tries and data it cannot read at once, while the rest flow on', async () => {
    const kafka = kafkaFor(broker.address);
    const calls = new Map<string, number>();
    const dlqProducer = kafka.producer();
    let dlqDisconnected = false;
    dlqProducer.on(dlqProducer.events.DISCONNECT, () => (dlqDisconnected = true));
    const runner = new KafkaConsumerRunner(
      kafka,
      dataSource,
      dlqProducer,
      {
        groupId: 'idempotency-test',
        topics: [topic],
        maxAttempts: 3,
        retryBaseMs: 10,
        sessionTimeoutMs: 6_000,
        heartbeatIntervalMs: 500,
        handle: async (event, manager) => {
          calls.set(event.id, (calls.get(event.id) ?? 0) + 1);
          if ((event.data as { poison?: boolean }).poison) throw new Error('cannot digest this');
          if ((event.data as { unreadable?: boolean }).unreadable)
            throw new MalformedEventError('test.Thing: unreadable');
          await manager.query('INSERT INTO handled (event_id, payload) VALUES ($1, $2)', [
            event.id,
            JSON.stringify(event.data),
          ]);
        },
      },
      logger,
    );
    const event = (id: string, data: object) =>
      toKafkaMessage({
        id,
        type: 'test.Thing',
        source: '/kinema/test',
        time: new Date().toISOString(),
        subject: 'same-key',
        data,
      });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        event('11111111-1111-4111-8111-111111111111', { n: 1 }),
        event('11111111-1111-4111-8111-111111111111', { n: 1 }),
        event('22222222-2222-4222-8222-222222222222', { poison: true }),
        event('33333333-3333-4333-8333-333333333333', { n: 3 }),
        { key: 'same-key', value: 'not a cloud event' },
        event('44444444-4444-4444-8444-444444444444', { unreadable: true }),
      ],
    });
    await producer.disconnect();
    runner.start();
    const { seen: dlq, stop } = await collect(kafka, deadLetterTopic(topic), 'dlq-check');
    await waitFor(async () => {
      const rows: Array<{ event_id: string }> = await dataSource.query(
        'SELECT event_id FROM handled',
      );
      return rows.some((r) => r.event_id.startsWith('3333')) && dlq.length >= 3;
    }, 'the third event handled and three dead letters');
    await runner.stop();
    await stop();
    // A stopped consumer holds no connection: its dead-letter producer's would keep a process
    // (a test run beside `npm start`'s broker) from exiting.
    expect(dlqDisconnected).toBe(true);

    const rows: Array<{ event_id: string }> = await dataSource.query(
      'SELECT event_id FROM handled ORDER BY event_id',
    );
    expect(rows.map((r) => r.event_id)).toEqual([
      '11111111-1111-4111-8111-111111111111',
      '33333333-3333-4333-8333-333333333333',
    ]);
    expect(calls.get('11111111-1111-4111-8111-111111111111')).toBe(1);
    expect(runner.status.duplicates).toBeGreaterThanOrEqual(1);
    expect(calls.get('22222222-2222-4222-8222-222222222222')).toBe(3);
    // Tried once: no attempt reads it better.
    expect(calls.get('44444444-4444-4444-8444-444444444444')).toBe(1);
    expect(
      dlq.find((m) => m.headers['ce_id'] === '44444444-4444-4444-8444-444444444444')?.headers[
        'kinema_dlq_error'
      ],
    ).toContain('unreadable');
    const poison = dlq.find((m) => m.headers['ce_id'] === '22222222-2222-4222-8222-222222222222');
    expect(poison?.headers['kinema_dlq_error']).toContain('cannot digest this');
    expect(
      dlq.some(
        (m) =>
          m.value === 'not a cloud event' && m.headers['kinema_dlq_error'].includes('malformed'),
      ),
    ).toBe(true);
    expect(
      fromKafkaMessage({
        headers: poison
          ? Object.fromEntries(Object.entries(poison.headers).map(([k, v]) => [k, Buffer.from(v)]))
          : {},
        value: Buffer.from('{"poison":true}'),
      }).type,
    ).toBe('test.Thing');
  }, 60_000);
});
