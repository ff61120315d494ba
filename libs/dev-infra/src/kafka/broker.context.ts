import { AppendNotifier } from './append-notifier.service';
import { BrokerIdentity } from './broker-identity.store';
import { GroupCoordinator } from './group-coordinator.service';
import { ProducerSequences } from './producer-sequence.store';
import type { SaslUserStore } from './sasl-mechanisms';
import { Topic, TopicStore } from './topic.store';

export interface BrokerLogger {
  info(msg: string): void;
  warn(msg: string): void;
}

export interface BrokerSettings {
  nodeId: number;
  /** Host advertised in Metadata and FindCoordinator. */
  host: string;
  /** The bound port (known only once listening when started on port 0). */
  port: number;
  autoCreateTopics: boolean;
  defaultPartitions: number;
}

/** Everything a request handler may touch; one per running broker. */
export class BrokerContext {
  readonly appends = new AppendNotifier();
  readonly sequences = new ProducerSequences();

  constructor(
    readonly settings: BrokerSettings,
    readonly topics: TopicStore,
    readonly groups: GroupCoordinator,
    readonly identity: BrokerIdentity,
    readonly logger: BrokerLogger,
    /** Set when every connection must authenticate first. */
    readonly sasl: SaslUserStore | null = null,
  ) {}

  createTopic(
    name: string,
    partitions: number,
    configs: Record<string, string | null> = {},
  ): Topic {
    const topic = this.topics.create(name, partitions, configs);
    this.logger.info(`created topic ${name} with ${partitions} partitions`);
    return topic;
  }

  deleteTopic(name: string): boolean {
    const deleted = this.topics.delete(name);
    if (deleted) this.logger.info(`deleted topic ${name}`);
    return deleted;
  }
}
