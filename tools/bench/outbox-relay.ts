// Outbox relay throughput: events committed to outbox_events, relayed to the embedded broker, beside
// kafkajs sending the same messages straight to Kafka (no database) in the same run.
//   npx nx run-many -t build
//   [DATABASE_URL=postgres://...] npx tsx --tsconfig tools/bench/tsconfig.json tools/bench/outbox-relay.ts [--events 20000]
// Without DATABASE_URL the database is an in-process PGlite (one session, pool of one).
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { TOPICS } from '@kinema/contracts';
import { createTestDatabase, runScript, startKafkaBroker } from '@kinema/dev-infra';
import {
  MESSAGING_MIGRATIONS,
  OutboxPublisher,
  OutboxRelay,
  ensureTopics,
  kafkaClient,
  runMigrationsLocked,
  toKafkaMessage,
} from '@kinema/platform';
import { logLevel, Partitioners } from 'kafkajs';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { median } from './lib/load';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: '20000' },
      rounds: { type: 'string', default: '3' },
    },
  });
  const events = Number(values.events);
  if (process.env['DATABASE_URL']) process.env['TEST_DATABASE_URL'] = process.env['DATABASE_URL'];
  const database = await createTestDatabase('outbox_bench');
  const dataSource = new DataSource({
    type: 'postgres',
    url: database.url,
    migrations: MESSAGING_MIGRATIONS,
    extra: { max: database.poolMax },
  });
  await dataSource.initialize();
  await runMigrationsLocked(dataSource, 1);
  const broker = await startKafkaBroker();
  const kafka = kafkaClient({
    clientId: 'outbox-bench',
    brokers: [broker.address],
    logLevel: logLevel.NOTHING,
  });
  await ensureTopics(kafka, [TOPICS.catalogTitles], 6);
  const payload = {
    title: { id: randomUUID(), name: 'A benchmark title', genres: ['drama', 'comedy'] },
  };
  const relayRates: number[] = [];
  const directRates: number[] = [];
  const publisher = new OutboxPublisher('/kinema/bench');
  process.stdout.write(`${events} events per round, database: ${database.engine}\n`);
  try {
    for (let round = 1; round <= Number(values.rounds); round++) {
      // Commit the events first (100 per transaction, as a busy service would), then time the relay.
      for (let i = 0; i < events; i += 100) {
        await dataSource.transaction(async (manager) => {
          for (let j = 0; j < Math.min(100, events - i); j++) {
            await publisher.publish(manager, {
              topic: TOPICS.catalogTitles,
              type: 'kinema.catalog.v1.TitleUpdated',
              subject: `title-${(i + j) % 500}`,
              data: payload,
            });
          }
        });
      }
      const producer = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        retry: { retries: 2 },
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      const relay = new OutboxRelay(dataSource, producer, pino({ level: 'silent' }), {
        batchSize: 500,
        idleMs: 5,
      });
      const started = process.hrtime.bigint();
      relay.start();
      while (relay.status.sentTotal < events)
        await new Promise((resolve) => setTimeout(resolve, 5));
      const relaySeconds = Number(process.hrtime.bigint() - started) / 1e9;
      await relay.stop();
      await dataSource.query('DELETE FROM outbox_events');

      const direct = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await direct.connect();
      const messages = Array.from({ length: events }, (_, i) =>
        toKafkaMessage({
          id: randomUUID(),
          type: 'kinema.catalog.v1.TitleUpdated',
          source: '/kinema/bench',
          time: new Date().toISOString(),
          subject: `title-${i % 500}`,
          data: payload,
        }),
      );
      const directStarted = process.hrtime.bigint();
      for (let i = 0; i < events; i += 500) {
        await direct.sendBatch({
          acks: -1,
          topicMessages: [{ topic: TOPICS.catalogTitles, messages: messages.slice(i, i + 500) }],
        });
      }
      const directSeconds = Number(process.hrtime.bigint() - directStarted) / 1e9;
      await direct.disconnect();
      relayRates.push(events / relaySeconds);
      directRates.push(events / directSeconds);
      process.stdout.write(
        `  round ${round}: relay ${(events / relaySeconds).toFixed(0)} events/s, direct kafkajs ${(events / directSeconds).toFixed(0)} msg/s\n`,
      );
    }
    const relay = median(relayRates);
    const direct = median(directRates);
    process.stdout.write(
      `\nmedians: outbox relay ${relay.toFixed(0)} events/s, direct kafkajs ${direct.toFixed(0)} msg/s, ratio ${(relay / direct).toFixed(2)}\n`,
    );
  } finally {
    await broker.stop();
    await dataSource.destroy();
    await database.dispose();
  }
}

runScript(main);
