import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CommittedOffset {
  offset: number;
  metadata: string | null;
}

export interface GroupOffset extends CommittedOffset {
  topic: string;
  partition: number;
}

interface OffsetLine {
  g: string;
  t: string;
  p: number;
  o: number;
  m: string | null;
}

/** Written when a group is deleted: everything it committed before this line is gone. */
interface DeletedGroupLine {
  g: string;
  deleted: true;
}

/**
 * Committed group offsets. With a data directory every commit is appended to `offsets.log`
 * (one JSON line each, so a crash loses at most a torn last line), compacted on start-up.
 */
export class OffsetStore {
  private readonly groups = new Map<string, Map<string, Map<number, CommittedOffset>>>();
  private fd: number | null = null;

  constructor(dataDir: string | null) {
    if (dataDir === null) return;
    fs.mkdirSync(dataDir, { recursive: true });
    const file = path.join(dataDir, 'offsets.log');
    if (fs.existsSync(file)) this.replay(fs.readFileSync(file, 'utf8'));
    const compacted = path.join(dataDir, 'offsets.log.tmp');
    fs.writeFileSync(
      compacted,
      this.all()
        .map((line) => `${JSON.stringify(line)}\n`)
        .join(''),
    );
    fs.renameSync(compacted, file);
    this.fd = fs.openSync(file, 'a');
  }

  commit(
    group: string,
    topic: string,
    partition: number,
    offset: number,
    metadata: string | null,
  ): void {
    this.set({ g: group, t: topic, p: partition, o: offset, m: metadata });
    if (this.fd !== null) {
      fs.writeSync(
        this.fd,
        `${JSON.stringify({ g: group, t: topic, p: partition, o: offset, m: metadata })}\n`,
      );
    }
  }

  deleteGroup(group: string): void {
    this.groups.delete(group);
    if (this.fd !== null) fs.writeSync(this.fd, `${JSON.stringify({ g: group, deleted: true })}\n`);
  }

  get(group: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.groups.get(group)?.get(topic)?.get(partition);
  }

  forGroup(group: string): GroupOffset[] {
    const result: GroupOffset[] = [];
    for (const [topic, partitions] of this.groups.get(group) ?? []) {
      for (const [partition, committed] of partitions)
        result.push({ topic, partition, ...committed });
    }
    return result;
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  private set(line: OffsetLine): void {
    let topics = this.groups.get(line.g);
    if (topics === undefined) this.groups.set(line.g, (topics = new Map()));
    let partitions = topics.get(line.t);
    if (partitions === undefined) topics.set(line.t, (partitions = new Map()));
    partitions.set(line.p, { offset: line.o, metadata: line.m });
  }

  private replay(text: string): void {
    for (const raw of text.split('\n')) {
      if (raw.trim() === '') continue;
      try {
        const line = JSON.parse(raw) as OffsetLine | DeletedGroupLine;
        if ('deleted' in line) this.groups.delete(line.g);
        else this.set(line);
      } catch {
        // A torn last line from a crash: everything before it is still good.
      }
    }
  }

  private all(): OffsetLine[] {
    return this.groupIds().flatMap((g) =>
      this.forGroup(g).map(({ topic, partition, offset, metadata }) => ({
        g,
        t: topic,
        p: partition,
        o: offset,
        m: metadata,
      })),
    );
  }
}
