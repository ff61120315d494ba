import { Admin, CompressionTypes, Consumer, KafkaMessage, type SASLOptions } from 'kafkajs';
import { FAST_CONSUMER, testKafka } from '../kafka-test.helpers';
import { waitFor } from '../../../testing/wait-for';
import {
  ClientSecurity,
  ClientUnderTest,
  ConformanceClient,
  ReceivedMessage,
} from './conformance-client.types';

function received(partition: number, message: KafkaMessage): ReceivedMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
  return {
    partition,
    offset: Number(message.offset),
    key: message.key?.toString() ?? '',
    value: message.value?.toString() ?? '',
    headers,
  };
}

/** kafkajs 2.2.4, the client the services use. */
/** kafkajs's TLS and SASL settings for a secured broker. */
export function kafkajsSecurity(security: ClientSecurity) {
  const sasl = {
    mechanism: security.mechanism.toLowerCase(),
    username: security.username,
    password: security.password,
  } as SASLOptions;
  return { ssl: { ca: security.ca }, sasl };
}

async function connect(address: string, security?: ClientSecurity): Promise<ConformanceClient> {
  const kafka = testKafka(address, security ? kafkajsSecurity(security) : {});
  const admin: Admin = kafka.admin();
  await admin.connect();
  const join = async (topic: string, groupId: string, fromBeginning: boolean) => {
    const consumer: Consumer = kafka.consumer({ groupId, ...FAST_CONSUMER });
    const messages: ReceivedMessage[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        messages.push(received(partition, message));
      },
    });
    return { received: messages, stop: () => consumer.disconnect() };
  };
  return {
    name: 'kafkajs',
    async produce(topic, messages, { gzip }) {
      const producer = kafka.producer();
      await producer.connect();
      try {
        await producer.send({
          topic,
          compression: gzip ? CompressionTypes.GZIP : CompressionTypes.None,
          messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
        });
      } finally {
        await producer.disconnect();
      }
    },
    async consumeFromBeginning(topic, count) {
      // kafkajs reads only through groups; a fresh group with nothing committed starts at the beginning.
      const member = await join(topic, `read-${topic}-${Date.now()}`, true);
      try {
        await waitFor(() => member.received.length >= count, `${count} messages on ${topic}`);
      } finally {
        await member.stop();
      }
      return member.received;
    },
    joinGroup: (topic, groupId) => join(topic, groupId, true),
    listTopics: () => admin.listTopics(),
    async partitionCount(topic) {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      return topics[0].partitions.length;
    },
    async createTopic(topic, numPartitions) {
      await admin.createTopics({ topics: [{ topic, numPartitions }] });
    },
    async deleteTopic(topic) {
      await admin.deleteTopics({ topics: [topic] });
    },
    async listGroups() {
      return (await admin.listGroups()).groups.map((g) => g.groupId);
    },
    async describeGroup(groupId) {
      const { groups } = await admin.describeGroups([groupId]);
      return { state: groups[0].state, members: groups[0].members.length };
    },
    async deleteGroup(groupId) {
      await admin.deleteGroups([groupId]);
    },
    async produceInTransaction(topic, messages) {
      // Retries far beyond a few seconds, so only an error the client treats as fatal ends fast.
      const producer = testKafka(address, {
        retry: { retries: 30, initialRetryTime: 1000, maxRetryTime: 1000 },
      }).producer({ transactionalId: `${topic}-txn`, idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      try {
        const transaction = await producer.transaction();
        await transaction.send({
          topic,
          messages: messages.map((m) => ({ key: m.key, value: m.value })),
        });
        await transaction.commit();
      } finally {
        await producer.disconnect();
      }
    },
    // kafkajs asks every broker for the transaction coordinator and, when none answers, throws
    // this non-retriable error without the brokers' reasons (the broker logs its own).
    transactionRefusal: 'KafkaJSGroupCoordinatorNotFound',
    close: () => admin.disconnect(),
  };
}

export const kafkajsClient: ClientUnderTest = {
  name: 'kafkajs',
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
