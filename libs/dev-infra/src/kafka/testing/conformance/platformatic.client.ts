import { waitFor } from '../../../testing/wait-for';
import {
  ClientSecurity,
  ClientUnderTest,
  ConformanceClient,
  ReceivedMessage,
} from './conformance-client.types';

/** `@platformatic/kafka`: a maintained, pure TypeScript client that negotiates flexible versions. */
async function connect(address: string, security?: ClientSecurity): Promise<ConformanceClient> {
  const kafka = await import('@platformatic/kafka');
  const bootstrapBrokers = [address];
  const secured = security
    ? {
        tls: { ca: security.ca },
        sasl: {
          mechanism: security.mechanism,
          username: security.username,
          password: security.password,
        },
      }
    : {};
  const admin = new kafka.Admin({ clientId: 'conformance-admin', bootstrapBrokers, ...secured });
  const consumers = new Set<{ close(force?: boolean): Promise<void> }>();

  const join = async (topic: string, groupId: string, mode: 'committed' | 'earliest') => {
    const consumer = new kafka.Consumer({
      clientId: 'conformance-consumer',
      groupId,
      bootstrapBrokers,
      ...secured,
      deserializers: kafka.stringDeserializers,
      sessionTimeout: 6000,
      heartbeatInterval: 200,
      maxWaitTime: 100,
    });
    consumers.add(consumer);
    const messages: ReceivedMessage[] = [];
    const stream = await consumer.consume({
      topics: [topic],
      mode,
      fallbackMode: 'earliest',
      autocommit: false,
    });
    stream.on('data', (message) => {
      messages.push({
        partition: message.partition,
        offset: Number(message.offset),
        key: message.key,
        value: message.value,
        headers: Object.fromEntries(message.headers),
      });
      void message.commit();
    });
    return {
      received: messages,
      async stop() {
        await stream.close();
        await consumer.close();
        consumers.delete(consumer);
      },
    };
  };

  return {
    name: '@platformatic/kafka',
    async produce(topic, messages, { gzip }) {
      const producer = new kafka.Producer({
        clientId: 'conformance-producer',
        bootstrapBrokers,
        ...secured,
        serializers: kafka.stringSerializers,
        compression: gzip ? 'gzip' : 'none',
      });
      try {
        await producer.send({
          messages: messages.map((m) => ({
            topic,
            key: m.key,
            value: m.value,
            headers: new Map(Object.entries(m.headers)),
          })),
        });
      } finally {
        await producer.close();
      }
    },
    async consumeFromBeginning(topic, count) {
      const member = await join(topic, `read-${topic}-${Date.now()}`, 'earliest');
      try {
        await waitFor(() => member.received.length >= count, `${count} messages on ${topic}`);
      } finally {
        await member.stop();
      }
      return member.received;
    },
    joinGroup: (topic, groupId) => join(topic, groupId, 'committed'),
    listTopics: () => admin.listTopics(),
    async partitionCount(topic) {
      const metadata = await admin.metadata({ topics: [topic] });
      return metadata.topics.get(topic)?.partitionsCount ?? 0;
    },
    async createTopic(topic, partitions) {
      await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
    },
    async deleteTopic(topic) {
      await admin.deleteTopics({ topics: [topic] });
    },
    async listGroups() {
      return [...(await admin.listGroups()).keys()];
    },
    async describeGroup(groupId) {
      const group = (await admin.describeGroups({ groups: [groupId] })).get(groupId);
      return { state: group?.state ?? 'Dead', members: group?.members.size ?? 0 };
    },
    async deleteGroup(groupId) {
      await admin.deleteGroups({ groups: [groupId] });
    },
    async produceInTransaction(topic, messages) {
      // Retries far beyond a few seconds, so only an error the client treats as fatal ends fast.
      const producer = new kafka.Producer({
        clientId: 'conformance-transactional-producer',
        bootstrapBrokers,
        ...secured,
        serializers: kafka.stringSerializers,
        idempotent: true,
        transactionalId: `${topic}-txn`,
        retries: 30,
        retryDelay: 1000,
      });
      try {
        const transaction = await producer.beginTransaction();
        await transaction.send({
          messages: messages.map((m) => ({ topic, key: m.key, value: m.value })),
        });
        await transaction.commit();
      } finally {
        await producer.close();
      }
    },
    async close() {
      for (const consumer of consumers) await consumer.close(true);
      await admin.close();
    },
  };
}

export const platformaticClient: ClientUnderTest = {
  name: '@platformatic/kafka',
  unavailable: () => null,
  offers: [
    'listTopics',
    'partitionCount',
    'createTopic',
    'deleteTopic',
    'listGroups',
    'describeGroup',
    'deleteGroup',
    'produceInTransaction',
  ],
  connect,
};
