import { startKafkaBroker, type RunningKafkaBroker } from '@kinema/dev-infra';
import { Kafka, logLevel } from 'kafkajs';

/** The embedded broker with the feed's topic, and a client of it. */
export interface FeedBroker {
  broker: RunningKafkaBroker;
  kafka: Kafka;
  /** The consumer groups the broker knows now. */
  groupIds(): Promise<string[]>;
}

/** Starts the embedded broker and creates `topic` on it with six partitions. */
export async function startFeedBroker(topic: string): Promise<FeedBroker> {
  const broker = await startKafkaBroker();
  const kafka = new Kafka({
    clientId: 'event-feed-test',
    brokers: [broker.address],
    logLevel: logLevel.NOTHING,
    retry: { retries: 3, initialRetryTime: 100 },
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
  await admin.disconnect();
  return {
    broker,
    kafka,
    async groupIds() {
      const lister = kafka.admin();
      await lister.connect();
      try {
        return (await lister.listGroups()).groups.map((group) => group.groupId);
      } finally {
        await lister.disconnect();
      }
    },
  };
}
