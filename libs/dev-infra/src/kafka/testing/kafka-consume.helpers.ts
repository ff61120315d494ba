import { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { FAST_CONSUMER, uniqueName } from './kafka-test.helpers';
import { waitFor } from '../../testing/wait-for';

export interface ConsumedMessage {
  partition: number;
  offset: number;
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

function toConsumed(partition: number, message: KafkaMessage): ConsumedMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
  return {
    partition,
    offset: Number(message.offset),
    key: message.key === null ? null : message.key.toString(),
    value: message.value?.toString() ?? '',
    headers,
  };
}

/** Starts a group consumer that records everything it is given. */
export async function startCollector(
  kafka: Kafka,
  topic: string,
  options: { groupId?: string; fromBeginning?: boolean } = {},
): Promise<{ consumer: Consumer; messages: ConsumedMessage[] }> {
  const consumer = kafka.consumer({
    groupId: options.groupId ?? uniqueName('group'),
    ...FAST_CONSUMER,
  });
  const messages: ConsumedMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      messages.push(toConsumed(partition, message));
    },
  });
  return { consumer, messages };
}

/** Consumes `topic` with a fresh group until `count` messages arrived, then disconnects. */
export async function consumeCount(
  kafka: Kafka,
  topic: string,
  count: number,
  options: { groupId?: string; fromBeginning?: boolean } = {},
): Promise<ConsumedMessage[]> {
  const { consumer, messages } = await startCollector(kafka, topic, options);
  try {
    await waitFor(
      () => messages.length >= count,
      `${count} messages on ${topic} (have ${messages.length})`,
    );
  } finally {
    await consumer.disconnect();
  }
  return messages;
}
