import { startKafkaBroker } from '@kinema/dev-infra';
import { kafkaClient } from '@kinema/platform/kafka';
import { logLevel } from 'kafkajs';

// Throughput of the embedded dev broker through the real kafkajs client: 1 KiB messages in via
// sendBatch to a 6-partition topic, out through a consumer group. Broker and clients share this
// process (and its event loop), as they do in tests, so the figures are conservative.
const MESSAGE_BYTES = 1024;
const MESSAGES_PER_ROUND = 30_000;
const MESSAGES_PER_SEND = 1_000;
const ROUNDS = 5;
const PARTITIONS = 6;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function main(): Promise<void> {
  const broker = await startKafkaBroker({ defaultPartitions: PARTITIONS });
  const kafka = kafkaClient({
    clientId: 'bench',
    brokers: [broker.address],
    logLevel: logLevel.NOTHING,
  });
  const producer = kafka.producer();
  await producer.connect();
  const payload = Buffer.alloc(MESSAGE_BYTES, 'k');
  const inRates: number[] = [];
  const outRates: number[] = [];

  for (let round = 1; round <= ROUNDS; round += 1) {
    const topic = `bench-${round}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
    await admin.disconnect();

    const produceStart = process.hrtime.bigint();
    for (let sent = 0; sent < MESSAGES_PER_ROUND; sent += MESSAGES_PER_SEND) {
      const messages = Array.from({ length: MESSAGES_PER_SEND }, (_, i) => ({
        key: `key-${sent + i}`,
        value: payload,
      }));
      await producer.sendBatch({ topicMessages: [{ topic, messages }] });
    }
    const produceSeconds = Number(process.hrtime.bigint() - produceStart) / 1e9;
    inRates.push(MESSAGES_PER_ROUND / produceSeconds);

    const consumer = kafka.consumer({
      groupId: `bench-group-${round}`,
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxBytes: 24 * 1024 * 1024,
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let received = 0;
    // Timed from run(), so the group join and the first fetch count: kafkajs prefetches, and timing
    // from the first batch would leave most of the transfer out.
    const consumeStart = process.hrtime.bigint();
    const done = new Promise<bigint>((resolve) => {
      void consumer.run({
        eachBatch: async ({ batch }) => {
          received += batch.messages.length;
          if (received >= MESSAGES_PER_ROUND) resolve(process.hrtime.bigint());
        },
      });
    });
    const consumeSeconds = Number((await done) - consumeStart) / 1e9;
    outRates.push(MESSAGES_PER_ROUND / consumeSeconds);
    await consumer.disconnect();
    console.log(
      `round ${round}: in ${Math.round(inRates[round - 1])} msg/s, out ${Math.round(outRates[round - 1])} msg/s`,
    );
  }

  await producer.disconnect();
  await broker.stop();
  const inMedian = median(inRates);
  const outMedian = median(outRates);
  console.log(
    `kafka dev broker, ${MESSAGE_BYTES} B messages, ${PARTITIONS} partitions, ${MESSAGES_PER_ROUND} per round, median of ${ROUNDS}: ` +
      `in ${Math.round(inMedian)} msg/s (${((inMedian * MESSAGE_BYTES) / 1048576).toFixed(1)} MiB/s), ` +
      `out ${Math.round(outMedian)} msg/s (${((outMedian * MESSAGE_BYTES) / 1048576).toFixed(1)} MiB/s)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
