import { CE_HEADERS, type EventEnvelope, type Topic } from '@kinema/contracts';
import { kafkaClient, toKafkaMessage } from '@kinema/platform';
import { logLevel, type Consumer, type Kafka, type Producer } from 'kafkajs';

export interface ReceivedEvent {
  key: string;
  type: string;
  data: Record<string, unknown>;
  headers: Record<string, string>;
}

/** Produces CloudEvents the way the services do and collects what topics carry. */
export class KafkaTestClient {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly consumers: Consumer[] = [];
  private connected = false;

  constructor(brokerAddress: string) {
    this.kafka = kafkaClient({
      clientId: 'catalog-test',
      brokers: [brokerAddress],
      logLevel: logLevel.NOTHING,
    });
    this.producer = this.kafka.producer();
  }

  /** Sends the events in order (one batch, so events with one key keep their order). */
  async send(topic: Topic, ...events: EventEnvelope[]): Promise<void> {
    if (!this.connected) {
      await this.producer.connect();
      this.connected = true;
    }
    await this.producer.send({ topic, acks: -1, messages: events.map((e) => toKafkaMessage(e)) });
  }

  /** Every message of `topic` from the beginning, appended to the returned array as it arrives. */
  async collect(topic: string): Promise<ReceivedEvent[]> {
    const received: ReceivedEvent[] = [];
    const consumer = this.kafka.consumer({
      groupId: `catalog-test-${topic}-${this.consumers.length}-${process.pid}`,
      sessionTimeout: 6_000,
      heartbeatInterval: 500,
    });
    this.consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
        );
        let data: Record<string, unknown> = {};
        try {
          data = JSON.parse(String(message.value)) as Record<string, unknown>;
        } catch {
          // Poison messages in a dead-letter topic need not be JSON.
        }
        received.push({
          key: String(message.key),
          type: headers[CE_HEADERS.type] ?? '',
          data,
          headers,
        });
      },
    });
    return received;
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.disconnect()));
    if (this.connected) await this.producer.disconnect();
  }
}
