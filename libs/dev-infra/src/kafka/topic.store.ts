import * as fs from 'node:fs';
import * as path from 'node:path';
import { PartitionLog } from './partition-log.store';

export interface Topic {
  name: string;
  partitions: PartitionLog[];
  configs: Record<string, string | null>;
}

interface TopicFile {
  partitions: number;
  configs: Record<string, string | null>;
}

const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Kafka's own rule; it also keeps every topic name safe to use as a directory name. */
export function isValidTopicName(name: string): boolean {
  return LEGAL_TOPIC_NAME.test(name) && name !== '.' && name !== '..';
}

/** All topics of the broker; with a data directory each lives in `topics/<name>/`. */
export class TopicStore {
  private readonly topics = new Map<string, Topic>();
  private readonly root: string | null;

  constructor(dataDir: string | null) {
    this.root = dataDir === null ? null : path.join(dataDir, 'topics');
    if (this.root !== null) {
      fs.mkdirSync(this.root, { recursive: true });
      this.load(this.root);
    }
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  list(): Topic[] {
    return [...this.topics.values()];
  }

  create(name: string, partitionCount: number, configs: Record<string, string | null> = {}): Topic {
    const existing = this.topics.get(name);
    if (existing !== undefined) return existing;
    let dir: string | null = null;
    if (this.root !== null) {
      dir = path.join(this.root, name);
      fs.mkdirSync(dir, { recursive: true });
      const file: TopicFile = { partitions: partitionCount, configs };
      fs.writeFileSync(path.join(dir, 'topic.json'), JSON.stringify(file));
    }
    const topic: Topic = { name, partitions: openPartitions(dir, partitionCount), configs };
    this.topics.set(name, topic);
    return topic;
  }

  close(): void {
    for (const topic of this.topics.values()) for (const log of topic.partitions) log.close();
  }

  private load(root: string): void {
    for (const name of fs.readdirSync(root)) {
      const file = path.join(root, name, 'topic.json');
      if (!isValidTopicName(name) || !fs.existsSync(file)) continue;
      const stored = JSON.parse(fs.readFileSync(file, 'utf8')) as TopicFile;
      const dir = path.join(root, name);
      this.topics.set(name, {
        name,
        partitions: openPartitions(dir, stored.partitions),
        configs: stored.configs,
      });
    }
  }
}

function openPartitions(dir: string | null, count: number): PartitionLog[] {
  return Array.from(
    { length: count },
    (_, index) => new PartitionLog(dir === null ? null : path.join(dir, `${index}.log`)),
  );
}
