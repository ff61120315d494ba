import {
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Topic } from '@kinema/contracts';
import { Partitioners, type Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { DataSource, type EntitySubscriberInterface, type TransactionCommitEvent } from 'typeorm';
import { createLogger } from '../logging/logger';
import { ReadinessDetails } from '../ops/readiness-details';
import { createKafka, type KafkaClientConfig } from '../kafka/kafka.factory';
import { verifyKafkaCredentials } from '../kafka/kafka-credentials';
import { KafkaConsumerRunner, type ConsumerOptions } from './kafka-consumer.runner';
import { OUTBOX_DIRTY, OutboxPublisher } from './outbox.publisher';
import { reportOutbox } from './outbox-metrics';
import { OutboxRelay, relayProducer } from './outbox.relay';
import { ensureTopics } from './topic-admin';
import { retryWithBackoff } from '../kafka/retry-with-backoff';
import { WakeSignal } from '../kafka/wake-signal';

export interface MessagingOptions {
  service: string;
  logLevel: string;
  kafka: KafkaClientConfig;
  /** CloudEvents `source` of the events this service publishes, e.g. `/kinema/catalog`. */
  source: string;
  /** Topics this service publishes to or consumes; created at start with their `.dlq` twins. */
  topics: readonly Topic[];
  partitions: number;
  /** How long handled event ids are kept: the consumers' idempotency window. */
  processedEventsRetentionMs: number;
}

export const KAFKA_CLIENT = Symbol('KAFKA_CLIENT');
const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
const MESSAGING_LOGGER = Symbol('MESSAGING_LOGGER');

/** Consumers a service registers (in onModuleInit); they start once the app is up. */
@Injectable()
export class ConsumerRegistry {
  readonly runners: KafkaConsumerRunner[] = [];

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    private readonly dataSource: DataSource,
    @Inject(MESSAGING_LOGGER) private readonly logger: Logger,
  ) {}

  register(options: ConsumerOptions): KafkaConsumerRunner {
    const dlqProducer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    const runner = new KafkaConsumerRunner(
      this.kafka,
      this.dataSource,
      dlqProducer,
      options,
      this.logger,
    );
    this.runners.push(runner);
    return runner;
  }
}

/** Wakes the relay as soon as a transaction that wrote outbox rows commits. */
class OutboxCommitSubscriber implements EntitySubscriberInterface {
  constructor(private readonly relay: OutboxRelay) {}

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const data = event.queryRunner.data as Record<string, unknown> | undefined;
    if (data?.[OUTBOX_DIRTY]) {
      delete data[OUTBOX_DIRTY];
      this.relay.wake();
    }
  }
}

@Injectable()
class MessagingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly signal = new WakeSignal();
  private stopped = false;
  private starting: Promise<void> | undefined;

  constructor(
    @Inject(KAFKA_CLIENT) private readonly kafka: Kafka,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    @Inject(MESSAGING_LOGGER) private readonly logger: Logger,
    private readonly relay: OutboxRelay,
    private readonly consumers: ConsumerRegistry,
    dataSource: DataSource,
    readiness: ReadinessDetails,
  ) {
    dataSource.subscribers.push(new OutboxCommitSubscriber(relay));
    reportOutbox(dataSource);
    // The service serves without Kafka (events wait in the outbox); readiness says so.
    readiness.register('messaging', () => ({
      kafka: relay.status.kafkaReachable ? 'reachable' : 'unreachable',
      ...(relay.status.lastError ? { lastError: relay.status.lastError } : {}),
      consumers: Object.fromEntries(
        consumers.runners.map((runner) => [
          runner.groupId,
          runner.status.joined ? 'joined' : 'joining',
        ]),
      ),
    }));
  }

  /** Never blocks start-up: with Kafka away the service serves, events wait in the outbox. */
  onApplicationBootstrap(): void {
    this.relay.start();
    this.starting = this.prepareTopicsThenConsume();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.signal.wake();
    await this.starting;
    await Promise.all(this.consumers.runners.map((runner) => runner.stop()));
    await this.relay.stop();
  }

  private async prepareTopicsThenConsume(): Promise<void> {
    const ready = await retryWithBackoff(
      () => ensureTopics(this.kafka, this.options.topics, this.options.partitions),
      {
        signal: this.signal,
        isStopped: () => this.stopped,
        onFailure: (error, retryInMs) =>
          this.logger.warn(
            { err: String(error), retryInMs },
            'messaging: cannot create topics yet',
          ),
      },
    );
    if (ready && !this.stopped) for (const runner of this.consumers.runners) runner.start();
  }
}

/** Kafka for a service: the outbox publisher and relay, consumer registration, topic creation. */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    const logger = createLogger(options.service, options.logLevel).child({
      component: 'messaging',
    });
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        { provide: MESSAGING_LOGGER, useValue: logger },
        {
          provide: KAFKA_CLIENT,
          // Wrong SASL credentials fail start-up here; an absent Kafka does not.
          useFactory: async () => {
            const kafka = createKafka(options.kafka, logger);
            await verifyKafkaCredentials(kafka, options.kafka, logger);
            return kafka;
          },
        },
        { provide: OutboxPublisher, useValue: new OutboxPublisher(options.source) },
        {
          provide: OutboxRelay,
          inject: [DataSource, KAFKA_CLIENT],
          useFactory: (dataSource: DataSource, kafka: Kafka) =>
            new OutboxRelay(dataSource, relayProducer(kafka), logger, {
              processedRetentionMs: options.processedEventsRetentionMs,
            }),
        },
        ConsumerRegistry,
        MessagingLifecycle,
      ],
      exports: [OutboxPublisher, OutboxRelay, ConsumerRegistry, KAFKA_CLIENT],
    };
  }
}
