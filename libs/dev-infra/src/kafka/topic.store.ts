import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PartitionLog } from './partition-log.store';

export interface Topic {
  name: string;
  /** Topic id (KIP-516), reported from Metadata v10 and CreateTopics v7 on. */
  id: string;
  partitions: PartitionLog[];
  configs: Record<string, string | null>;
}

interface TopicFile {
  id?: string;
  partitions: number;
  configs: Record<string, string | null>;
}

const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** Id for a topic stored before ids were kept: derived from the name, so it stays the same. */
function derivedId(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

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
    const id = randomUUID();
    let dir: string | null = null;
    if (this.root !== null) {
      dir = path.join(this.root, name);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.mkdirSync(dir, { recursive: true });
      const file: TopicFile = { id, partitions: partitionCount, configs };
      fs.writeFileSync(path.join(dir, 'topic.json'), JSON.stringify(file));
    }
    const topic: Topic = { name, id, partitions: openPartitions(dir, partitionCount), configs };
    this.topics.set(name, topic);
    return topic;
  }

  /** Removes a topic and its stored batches; false when there was no such topic. */
  delete(name: string): boolean {
    const topic = this.topics.get(name);
    if (topic === undefined) return false;
    this.topics.delete(name);
    for (const log of topic.partitions) log.close();
    if (this.root !== null) fs.rmSync(path.join(this.root, name), { recursive: true, force: true });
    return true;
  }

  byId(id: string): Topic | undefined {
    return this.list().find((topic) => topic.id === id);
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
        id: stored.id ?? derivedId(name),
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
