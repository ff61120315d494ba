import { CompressionTypes, Kafka, Producer } from 'kafkajs';
import { RunningKafkaBroker, startKafkaBroker } from './index';
import { consumeCount, startCollector } from './testing/kafka-consume.helpers';
import { testKafka, uniqueName } from './testing/kafka-test.helpers';
import { waitFor } from '../testing/wait-for';

describe('kafka broker with kafkajs: producing and consuming', () => {
  jest.setTimeout(20_000);
  let broker: RunningKafkaBroker;
  let kafka: Kafka;
  let producer: Producer;

  beforeAll(async () => {
    broker = await startKafkaBroker();
    kafka = testKafka(broker.address);
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await broker.stop();
  });

  it('puts every message with the same key on the same partition', async () => {
    const topic = uniqueName('keyed');
    const keys = ['alice', 'bob', 'carol', 'dave'];
    for (let round = 0; round < 3; round += 1) {
      await producer.send({
        topic,
        messages: keys.map((key) => ({ key, value: `${key}-${round}` })),
      });
    }
    const messages = await consumeCount(kafka, topic, keys.length * 3);
    for (const key of keys) {
      const partitions = new Set(messages.filter((m) => m.key === key).map((m) => m.partition));
      expect(partitions.size).toBe(1);
    }
    expect(new Set(messages.map((m) => m.partition)).size).toBeGreaterThan(1);
  });

  it('delivers earlier messages to a fromBeginning consumer and only new ones otherwise', async () => {
    const topic = uniqueName('begin');
    await producer.send({ topic, messages: [{ value: 'old-1' }, { value: 'old-2' }] });
    const fromStart = await consumeCount(kafka, topic, 2, { fromBeginning: true });
    expect(fromStart.map((m) => m.value).sort()).toEqual(['old-1', 'old-2']);

    const latest = await startCollector(kafka, topic, { fromBeginning: false });
    try {
      // The group has no committed offsets, so only messages produced after it joined may show up.
      await waitFor(async () => {
        await producer.send({ topic, messages: [{ value: 'new' }] });
        return latest.messages.length > 0;
      }, 'a message produced after the consumer joined');
      expect(latest.messages.every((m) => m.value === 'new')).toBe(true);
    } finally {
      await latest.consumer.disconnect();
    }
  });

  it('round-trips keys and headers untouched', async () => {
    const topic = uniqueName('headers');
    await producer.send({
      topic,
      messages: [
        {
          key: 'id-1',
          value: 'body',
          headers: { kafka_correlationId: 'c-1', 'ce-type': 'VideoReady' },
        },
      ],
    });
    const [message] = await consumeCount(kafka, topic, 1);
    expect(message).toMatchObject({
      key: 'id-1',
      value: 'body',
      headers: { kafka_correlationId: 'c-1', 'ce-type': 'VideoReady' },
    });
  });

  it('stores and serves gzip-compressed batches', async () => {
    const topic = uniqueName('gzip');
    const values = Array.from({ length: 50 }, (_, i) => `compressible value ${i} `.repeat(10));
    await producer.send({
      topic,
      compression: CompressionTypes.GZIP,
      messages: values.map((value) => ({ value })),
    });
    const messages = await consumeCount(kafka, topic, values.length);
    expect(messages.map((m) => m.value).sort()).toEqual([...values].sort());
  });

  it('accepts a 10,000-message batch and delivers every message once', async () => {
    const topic = uniqueName('big');
    const messages = Array.from({ length: 10_000 }, (_, i) => ({
      key: `k${i % 97}`,
      value: `m${i}`,
    }));
    await producer.sendBatch({ topicMessages: [{ topic, messages }] });
    const consumed = await consumeCount(kafka, topic, messages.length);
    expect(consumed).toHaveLength(10_000);
    expect(new Set(consumed.map((m) => m.value)).size).toBe(10_000);
  });

  it('serves an idempotent producer, writing each message exactly once', async () => {
    const topic = uniqueName('idempotent');
    const idempotent = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await idempotent.connect();
    try {
      for (let i = 0; i < 5; i += 1) {
        await idempotent.send({
          topic,
          messages: [
            { key: `k${i}`, value: `v${i}` },
            { key: 'same', value: `s${i}` },
          ],
        });
      }
    } finally {
      await idempotent.disconnect();
    }
    const consumed = await consumeCount(kafka, topic, 10);
    expect(consumed.map((m) => m.value).sort()).toEqual([
      's0',
      's1',
      's2',
      's3',
      's4',
      'v0',
      'v1',
      'v2',
      'v3',
      'v4',
    ]);
  });

  it('gives two groups on one topic every message each', async () => {
    const topic = uniqueName('fanout');
    const values = Array.from({ length: 30 }, (_, i) => `event-${i}`);
    await producer.send({ topic, messages: values.map((value, i) => ({ key: `${i}`, value })) });
    const [first, second] = await Promise.all([
      consumeCount(kafka, topic, values.length, { groupId: uniqueName('catalog') }),
      consumeCount(kafka, topic, values.length, { groupId: uniqueName('gateway') }),
    ]);
    expect(first.map((m) => m.value).sort()).toEqual([...values].sort());
    expect(second.map((m) => m.value).sort()).toEqual([...values].sort());
  });
});
