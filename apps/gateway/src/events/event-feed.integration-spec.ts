import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { TOPICS, type EventEnvelope } from '@kinema/contracts';
import {
  startBrokerProcess,
  startTopicBroker,
  waitFor,
  type RunningKafkaBroker,
  type TopicBroker,
} from '@kinema/dev-infra';
import { CONSUMER_STOP_MS, createKafka, kafkaClient, toKafkaMessage } from '@kinema/platform/kafka';
import { logLevel, type Kafka } from 'kafkajs';
import pino from 'pino';
import { GatewayEventFeed } from './event-feed';

const topic = TOPICS.catalogTitles;

function anEvent(): EventEnvelope {
  const subject = randomUUID();
  return {
    id: randomUUID(),
    type: 'kinema.test.event.v1',
    source: '/kinema/test',
    time: new Date().toISOString(),
    subject,
    data: {},
  };
}

/**
 * The gateway's broadcast feed on the embedded broker: two replicas each see every event, and a
 * replica that stops leaves no consumer group behind (a rollout renames every pod).
 */
describe('the gateway event feed', () => {
  let topicBroker: TopicBroker;
  let broker: RunningKafkaBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    topicBroker = await startTopicBroker(topic, kafkaClient);
    ({ broker, kafka } = topicBroker);
  }, 60_000);

  afterAll(async () => {
    await broker?.stop();
  });

  const groups = () => topicBroker.groupIds();

  it('delivers every event to each replica, and deletes each replica’s group when it stops', async () => {
    const seen = new Map<string, string[]>();
    const feeds = ['gateway-a', 'gateway-b'].map((pod) => {
      seen.set(pod, []);
      return new GatewayEventFeed(
        kafkaClient({ brokers: [broker.address], logLevel: logLevel.NOTHING }),
        `gateway.realtime.${pod}`,
        [topic],
        [(event) => void seen.get(pod)?.push(event.id)],
        pino({ level: 'silent' }),
      );
    });
    for (const feed of feeds) feed.start();
    await waitFor(
      async () =>
        (
          await Promise.all(
            ['gateway-a', 'gateway-b'].map((pod) =>
              topicBroker.positioned(`gateway.realtime.${pod}`),
            ),
          )
        ).every(Boolean),
      "both replicas' groups positioned",
    );
    expect(await groups()).toEqual(
      expect.arrayContaining(['gateway.realtime.gateway-a', 'gateway.realtime.gateway-b']),
    );

    const producer = kafka.producer();
    await producer.connect();
    const events = Array.from({ length: 12 }, anEvent);
    // Keys spread the events over the partitions: each replica must still get all of them.
    await producer.send({ topic, messages: events.map((event) => toKafkaMessage(event)) });
    await producer.disconnect();
    const ids = events.map((event) => event.id).sort();
    await waitFor(
      () => [...seen.values()].every((got) => got.length === ids.length),
      'every event at each replica',
    );
    for (const got of seen.values()) expect([...got].sort()).toEqual(ids);

    await Promise.all(feeds.map((feed) => feed.stop()));
    const left = await groups();
    expect(left).not.toContain('gateway.realtime.gateway-a');
    expect(left).not.toContain('gateway.realtime.gateway-b');
  }, 90_000);

  it('commits a starting position on every partition it reads, so a rejoin skips nothing', async () => {
    const groupId = `gateway.realtime.positions-${randomUUID()}`;
    const feed = new GatewayEventFeed(kafka, groupId, [topic], [], pino({ level: 'silent' }));
    feed.start();
    try {
      await waitFor(() => topicBroker.positioned(groupId), "the feed's group positioned");
    } finally {
      await feed.stop();
    }
  });

  it('commits how far it has read, so a replica that rejoins resumes after what it delivered', async () => {
    const groupId = `gateway.realtime.progress-${randomUUID()}`;
    const delivered: string[] = [];
    const feed = new GatewayEventFeed(
      kafka,
      groupId,
      [topic],
      [(event) => void delivered.push(event.id)],
      pino({ level: 'silent' }),
    );
    feed.start();
    const admin = kafka.admin();
    await admin.connect();
    try {
      const committed = async () =>
        (await admin.fetchOffsets({ groupId, topics: [topic] }))[0]?.partitions ?? [];
      // Its starting positions first, so what follows can only be committed by reading on.
      await waitFor(() => topicBroker.positioned(groupId), "the feed's group positioned");
      const producer = kafka.producer();
      await producer.connect();
      const events = Array.from({ length: 12 }, anEvent);
      await producer.send({ topic, messages: events.map((event) => toKafkaMessage(event)) });
      await producer.disconnect();
      await waitFor(
        () => events.every((event) => delivered.includes(event.id)),
        'every event delivered',
      );
      const ends = await admin.fetchTopicOffsets(topic);
      // Committed in the background, not per batch: the group reaches the end of every partition.
      await waitFor(async () => {
        const partitions = await committed();
        return ends.every((end) =>
          partitions.some((p) => p.partition === end.partition && p.offset === end.high),
        );
      }, 'the group committed to the end of every partition');
    } finally {
      await admin.disconnect();
      await feed.stop();
    }
  });

  it('stops without waiting for a connect to a broker that closes every connection to give up', async () => {
    // A broker port that takes connections and closes them, as a restarting broker's proxy does:
    // the client tries again and again, and its connect fails only after every retry.
    let connections = 0;
    const closing = createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((done) => closing.listen(0, '127.0.0.1', done));
    const warnings: string[] = [];
    const logger = pino(
      { level: 'warn' },
      { write: (line: string) => void warnings.push(String(JSON.parse(line).msg)) },
    );
    const feed = new GatewayEventFeed(
      kafkaClient({
        brokers: [`127.0.0.1:${(closing.address() as AddressInfo).port}`],
        logLevel: logLevel.NOTHING,
        // kafkajs cannot abort a connect: the one the stop leaves behind (the gateway's process
        // then exits) tries on after the test. Once, not kafkajs's default five times over 9 s,
        // so that it ends within the file rather than keeping its worker from exiting.
        retry: { retries: 1 },
      }),
      `gateway.realtime.unreachable-${randomUUID()}`,
      [topic],
      [],
      logger,
    );
    try {
      feed.start();
      await waitFor(() => connections > 0, 'the feed connecting');
      await feed.stop();
      // Stopped while the connect was still trying: it had not failed yet.
      expect(warnings).toEqual([]);
    } finally {
      closing.close();
    }
  });

  it('stops within its bound when the broker hangs after the feed joined, and says so', async () => {
    // A frozen broker takes connections and never answers: without a bound, the last commit,
    // LeaveGroup and the group's deletion each wait out the client's request timeout and retries
    // (30 s in all with the gateway's settings), and the gateway's shutdown is cut off at
    // SHUTDOWN_TIMEOUT_MS before its last spans go out.
    const hung = await startBrokerProcess();
    const warnings: string[] = [];
    const logger = pino(
      { level: 'warn' },
      { write: (line: string) => void warnings.push(String(JSON.parse(line).msg)) },
    );
    try {
      // The client as the gateway makes it: its request timeout and retries are what a hung
      // broker holds each call to.
      const client = createKafka(
        { clientId: 'gateway-test', brokers: [hung.address] },
        pino({ level: 'silent' }),
      );
      const admin = client.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
      await admin.disconnect();
      const feed = new GatewayEventFeed(
        client,
        `gateway.realtime.hung-${randomUUID()}`,
        [topic],
        [],
        logger,
      );
      feed.start();
      await waitFor(() => feed.joined, 'the feed joining');
      hung.freeze();
      const stopping = Date.now();
      await feed.stop();
      expect(Date.now() - stopping).toBeLessThan(CONSUMER_STOP_MS + 1_000);
      expect(warnings).toEqual([
        'event feed: stopped before the broker answered its leaving; the group is left to expire',
      ]);
    } finally {
      await hung.stop();
    }
    // What the stop left running fails against the closed port and ends with the group's deletion.
    await waitFor(() => warnings.includes('event feed: group kept'), 'the leaving giving up', {
      timeoutMs: 60_000,
    });
  }, 120_000);
});
