import { startKafkaBroker, type RunningKafkaBroker } from '../kafka-broker';
import { logLevel, type Admin, type Kafka, type KafkaConfig } from 'kafkajs';

const PARTITIONS = 6;

/** The embedded broker with one topic, for tests of its consumers, and a client of it. */
export interface TopicBroker {
  broker: RunningKafkaBroker;
  kafka: Kafka;
  /** The consumer groups the broker knows now. */
  groupIds(): Promise<string[]>;
  /**
   * Whether a group has committed a position on every partition of the topic. A consumer that
   * starts at the end of each partition may skip an event sent before it has its positions; one
   * that commits them when it joins (the gateway's feeds) has them fixed from then on.
   */
  positioned(groupId: string): Promise<boolean>;
}

/**
 * Starts the embedded broker and creates `topic` on it with six partitions, through a client made
 * by `client` (the services' kafkaClient, from @kinema/platform/kafka, which this library does not
 * import: the launcher loads it and holds little).
 */
export async function startTopicBroker(
  topic: string,
  client: (config: KafkaConfig) => Kafka,
): Promise<TopicBroker> {
  const broker = await startKafkaBroker();
  const kafka = client({
    clientId: 'topic-broker-test',
    brokers: [broker.address],
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 100 },
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  const withAdmin = async <T>(use: (admin: Admin) => Promise<T>): Promise<T> => {
    const client = kafka.admin();
    await client.connect();
    try {
      return await use(client);
    } finally {
      await client.disconnect();
    }
  };
  return {
    broker,
    kafka,
    groupIds: () =>
      withAdmin(async (client) => (await client.listGroups()).groups.map((group) => group.groupId)),
    positioned: (groupId) =>
      withAdmin(async (client) => {
        const [offsets] = await client.fetchOffsets({ groupId, topics: [topic] });
        return (
          offsets?.partitions.length === PARTITIONS &&
          offsets.partitions.every((partition) => partition.offset !== '-1')
        );
      }),
  };
}
