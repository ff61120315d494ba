import { RunningKafkaBroker, startKafkaBroker } from './index';
import { openRawConnection, testKafka, uniqueName } from './testing/kafka-test.helpers';
import { ProtocolReader } from './protocol-reader.codec';
import { ProtocolWriter } from './protocol-writer.codec';

describe('kafka broker with kafkajs: admin and robustness', () => {
  jest.setTimeout(20_000);
  let broker: RunningKafkaBroker;

  beforeAll(async () => {
    broker = await startKafkaBroker({ autoCreateTopics: false, defaultPartitions: 4 });
  });

  afterAll(async () => {
    await broker.stop();
  });

  it('creates topics (broker default partitions when unspecified), lists them and reports their metadata', async () => {
    const admin = testKafka(broker.address).admin();
    await admin.connect();
    try {
      const explicit = uniqueName('explicit');
      const defaulted = uniqueName('defaulted');
      await expect(
        admin.createTopics({
          topics: [{ topic: explicit, numPartitions: 3 }, { topic: defaulted }],
        }),
      ).resolves.toBe(true);
      await expect(admin.createTopics({ topics: [{ topic: explicit }] })).resolves.toBe(false);
      expect(await admin.listTopics()).toEqual(expect.arrayContaining([explicit, defaulted]));
      const { topics } = await admin.fetchTopicMetadata({ topics: [explicit, defaulted] });
      const partitionCounts = Object.fromEntries(topics.map((t) => [t.name, t.partitions.length]));
      expect(partitionCounts).toEqual({ [explicit]: 3, [defaulted]: 4 });
      const offsets = await admin.fetchTopicOffsets(explicit);
      expect(offsets.map((o) => o.high)).toEqual(['0', '0', '0']);
    } finally {
      await admin.disconnect();
    }
  });

  it('does not auto-create topics when that is switched off', async () => {
    const producer = testKafka(broker.address, {
      retry: { retries: 1, initialRetryTime: 50 },
    }).producer();
    await producer.connect();
    try {
      await expect(
        producer.send({ topic: uniqueName('absent'), messages: [{ value: 'x' }] }),
      ).rejects.toThrow(/does not host this topic-partition/);
    } finally {
      await producer.disconnect();
    }
  });

  it('answers an unsupported API key with UNSUPPORTED_VERSION and keeps the connection usable', async () => {
    const raw = await openRawConnection(broker.port);
    try {
      raw.request(37, 0, 7, new ProtocolWriter().int32(0).toBuffer());
      const unsupported = await raw.nextResponse();
      expect(unsupported.correlationId).toBe(7);
      expect(new ProtocolReader(unsupported.body).int16()).toBe(35);

      raw.request(18, 2, 8, Buffer.alloc(0));
      const versions = await raw.nextResponse();
      expect(versions.correlationId).toBe(8);
      expect(new ProtocolReader(versions.body).int16()).toBe(0);
    } finally {
      raw.destroy();
    }
  });

  it('closes only the connection that sent a malformed frame', async () => {
    const healthy = testKafka(broker.address).admin();
    await healthy.connect();
    const garbage = await openRawConnection(broker.port);
    const bystander = await openRawConnection(broker.port);
    try {
      // A Metadata v6 request whose topic array claims far more entries than it carries.
      garbage.request(3, 6, 1, new ProtocolWriter().int32(1_000_000).toBuffer());
      await garbage.closed;

      const absurdFrame = await openRawConnection(broker.port);
      absurdFrame.sendBytes(new ProtocolWriter().int32(-5).toBuffer());
      await absurdFrame.closed;

      bystander.request(18, 2, 99, Buffer.alloc(0));
      expect((await bystander.nextResponse()).correlationId).toBe(99);
      await expect(healthy.listTopics()).resolves.toEqual(expect.any(Array));
    } finally {
      bystander.destroy();
      garbage.destroy();
      await healthy.disconnect();
    }
  });

  it('answers an empty Fetch once maxWaitTime has passed instead of hanging', async () => {
    const topic = uniqueName('quiet');
    const admin = testKafka(broker.address).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    await admin.disconnect();
    const raw = await openRawConnection(broker.port);
    try {
      const fetch = new ProtocolWriter()
        .int32(-1)
        .int32(100)
        .int32(1)
        .int32(1024)
        .int8(1)
        .int32(0)
        .int32(-1)
        .array([topic], (w, name) =>
          w
            .string(name)
            .array([0], (pw, p) => pw.int32(p).int32(-1).int64(0).int64(-1).int32(1024)),
        )
        .array([], () => undefined)
        .string('');
      raw.request(1, 11, 5, fetch.toBuffer());
      const response = await raw.nextResponse();
      expect(response.correlationId).toBe(5);
    } finally {
      raw.destroy();
    }
  });
});
