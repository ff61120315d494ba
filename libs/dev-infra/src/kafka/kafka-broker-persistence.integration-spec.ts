import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RunningKafkaBroker, startKafkaBroker } from './index';
import { consumeCount, startCollector } from './testing/kafka-consume.helpers';
import { testKafka, uniqueName } from './testing/kafka-test.helpers';
import { waitFor } from '../testing/wait-for';

describe('kafka broker with a data directory', () => {
  jest.setTimeout(20_000);
  let dataDir: string;
  let broker: RunningKafkaBroker | null = null;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kinema-kafka-'));
  });

  afterEach(async () => {
    await broker?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps topics, messages and committed offsets across a restart', async () => {
    const topic = uniqueName('durable');
    const groupId = uniqueName('group');
    broker = await startKafkaBroker({ dataDir, defaultPartitions: 3 });
    let kafka = testKafka(broker.address);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [1, 2, 3, 4].map((i) => ({
        key: `k${i}`,
        value: `before-${i}`,
        headers: { n: `${i}` },
      })),
    });
    await producer.disconnect();

    const admin = kafka.admin();
    await admin.connect();
    const first = await startCollector(kafka, topic, { groupId });
    await waitFor(async () => {
      const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
      return (
        committed[0].partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0) === 4
      );
    }, 'all four offsets committed');
    await first.consumer.disconnect();
    await admin.disconnect();
    await broker.stop();

    broker = await startKafkaBroker({ dataDir, defaultPartitions: 3 });
    kafka = testKafka(broker.address);
    const replay = await consumeCount(kafka, topic, 4, { groupId: uniqueName('fresh') });
    expect(replay.map((m) => m.value).sort()).toEqual([
      'before-1',
      'before-2',
      'before-3',
      'before-4',
    ]);
    expect(replay.find((m) => m.value === 'before-2')?.headers).toEqual({ n: '2' });

    const restartedProducer = kafka.producer();
    await restartedProducer.connect();
    await restartedProducer.send({ topic, messages: [{ key: 'k9', value: 'after-restart' }] });
    await restartedProducer.disconnect();
    const resumed = await consumeCount(kafka, topic, 1, { groupId });
    expect(resumed.map((m) => m.value)).toEqual(['after-restart']);
  });

  it('drops a torn batch at the end of a partition log instead of refusing to start', async () => {
    const topic = uniqueName('torn');
    broker = await startKafkaBroker({ dataDir, defaultPartitions: 1 });
    const producer = testKafka(broker.address).producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'whole' }] });
    await producer.disconnect();
    await broker.stop();
    fs.appendFileSync(
      path.join(dataDir, 'topics', topic, '0.log'),
      Buffer.from([0, 0, 0, 0, 0, 0, 0, 1, 0, 0]),
    );

    broker = await startKafkaBroker({ dataDir, defaultPartitions: 1 });
    const messages = await consumeCount(testKafka(broker.address), topic, 1);
    expect(messages.map((m) => m.value)).toEqual(['whole']);
  });
});
