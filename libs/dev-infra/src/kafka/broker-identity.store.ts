import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

interface IdentityFile {
  clusterId: string;
  nextProducerId: number;
}

/**
 * Cluster id and the producer-id counter. Persisted with a data directory so a restarted broker
 * never hands out a producer id an earlier run already used.
 */
export class BrokerIdentity {
  readonly clusterId: string;
  private nextProducerId: number;
  private readonly file: string | null;

  constructor(dataDir: string | null) {
    this.file = dataDir === null ? null : path.join(dataDir, 'broker.json');
    const stored =
      this.file !== null && fs.existsSync(this.file)
        ? (JSON.parse(fs.readFileSync(this.file, 'utf8')) as IdentityFile)
        : null;
    this.clusterId = stored?.clusterId ?? randomBytes(16).toString('base64url').slice(0, 22);
    this.nextProducerId = stored?.nextProducerId ?? 1000;
    this.save();
  }

  allocateProducerId(): number {
    const id = this.nextProducerId;
    this.nextProducerId += 1;
    this.save();
    return id;
  }

  private save(): void {
    if (this.file === null) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const contents: IdentityFile = {
      clusterId: this.clusterId,
      nextProducerId: this.nextProducerId,
    };
    fs.writeFileSync(this.file, JSON.stringify(contents));
  }
}
