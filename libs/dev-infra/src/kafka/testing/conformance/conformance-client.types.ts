export interface ConformanceMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface ReceivedMessage extends ConformanceMessage {
  partition: number;
  offset: number;
}

/** A running group member: what it received so far, and a clean stop (commit, then leave). */
export interface GroupMember {
  readonly received: ReceivedMessage[];
  stop(): Promise<void>;
}

/**
 * What the conformance scenarios ask of a client. Admin operations are optional: a scenario that
 * needs one the client does not offer is reported as skipped for that client.
 */
export interface ConformanceClient {
  name: string;
  produce(topic: string, messages: ConformanceMessage[], options: { gzip: boolean }): Promise<void>;
  /** Reads `count` messages from the start of every partition, outside any group. */
  consumeFromBeginning(topic: string, count: number): Promise<ReceivedMessage[]>;
  /** Joins `groupId` on `topic`, starting from the earliest offset where nothing is committed. */
  joinGroup(topic: string, groupId: string): Promise<GroupMember>;
  listTopics?(): Promise<string[]>;
  partitionCount?(topic: string): Promise<number>;
  createTopic?(topic: string, partitions: number): Promise<void>;
  deleteTopic?(topic: string): Promise<void>;
  listGroups?(): Promise<string[]>;
  describeGroup?(groupId: string): Promise<{ state: string; members: number }>;
  deleteGroup?(groupId: string): Promise<void>;
  /** Sends the messages in one transaction with a transactional producer, then commits it. */
  produceInTransaction?(topic: string, messages: ConformanceMessage[]): Promise<void>;
  /**
   * What the client's error says when the broker refuses transactions, when the client drops the
   * broker's own reason (by default the error must carry it).
   */
  transactionRefusal?: string;
  close(): Promise<void>;
}

export type AdminOperation = Exclude<
  keyof ConformanceClient,
  'name' | 'produce' | 'consumeFromBeginning' | 'joinGroup' | 'close'
>;

/** TLS (trusting this CA) and SASL credentials, for a broker that requires both. */
export interface ClientSecurity {
  caFile: string;
  ca: string;
  mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  username: string;
  password: string;
}

/** A client under test, known before any test runs so skips are reported as skips. */
export interface ClientUnderTest {
  name: string;
  /** Why the client cannot run on this machine, or null when it can. */
  unavailable(): string | null;
  offers: readonly AdminOperation[];
  connect(address: string, security?: ClientSecurity): Promise<ConformanceClient>;
}
