import * as net from 'node:net';
import { Consumer, Kafka, Producer } from 'kafkajs';
import { RunningKafkaBroker, startKafkaBroker } from './index';
import { FAST_CONSUMER, testKafka, uniqueName } from './testing/kafka-test.helpers';
import { waitFor } from '../testing/wait-for';

interface GroupMemberHandle {
  consumer: Consumer;
  /** Latest partitions this member was assigned (from GROUP_JOIN). */
  assigned: number[];
  /** Simulates a process crash: sockets die, nothing (not even LeaveGroup) reaches the broker again. */
  crash(): void;
}

/**
 * Shared bookkeeping: which message values were processed, and per partition the highest offset any
 * member successfully committed. Processing an offset below that is a redelivery after commit.
 */
class ProcessingLedger {
  readonly processed = new Set<string>();
  readonly committed = new Map<number, number>();
  readonly redeliveredAfterCommit: string[] = [];
}

async function joinMember(
  broker: RunningKafkaBroker,
  topic: string,
  groupId: string,
  ledger: ProcessingLedger,
): Promise<GroupMemberHandle> {
  let crashed = false;
  const sockets = new Set<net.Socket>();
  const crashable = testKafka(broker.address, {
    retry: { retries: 2, initialRetryTime: 50, maxRetryTime: 200 },
    socketFactory: ({ host, port, onConnect }) => {
      // After the crash every reconnect attempt is refused, so the member simply goes silent.
      const socket = net.connect({ host, port: crashed ? 1 : port }, onConnect);
      sockets.add(socket);
      return socket;
    },
  });
  const consumer = crashable.consumer({
    groupId,
    ...FAST_CONSUMER,
    retry: { retries: 3, restartOnFailure: async () => !crashed },
  });
  const handle: GroupMemberHandle = {
    consumer,
    assigned: [],
    crash() {
      crashed = true;
      // With an error, kafkajs fails its in-flight requests at once instead of waiting for their timeout.
      for (const socket of sockets) socket.destroy(new Error('simulated crash'));
    },
  };
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    handle.assigned = payload.memberAssignment[topic] ?? [];
  });
  consumer.on(consumer.events.COMMIT_OFFSETS, ({ payload }) => {
    for (const t of payload.topics) {
      for (const { partition, offset } of t.partitions) {
        ledger.committed.set(
          partition,
          Math.max(ledger.committed.get(partition) ?? 0, Number(offset)),
        );
      }
    }
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommitThreshold: 1,
    eachMessage: async ({ partition, message }) => {
      if (crashed) throw new Error('this member has crashed');
      if (Number(message.offset) < (ledger.committed.get(partition) ?? 0)) {
        ledger.redeliveredAfterCommit.push(`${partition}@${message.offset}`);
      }
      ledger.processed.add(message.value?.toString() ?? '');
    },
  });
  return handle;
}

function evenSplit(members: GroupMemberHandle[], partitions: number): boolean {
  const all = members.flatMap((m) => m.assigned);
  return (
    new Set(all).size === partitions &&
    all.length === partitions &&
    members.every((m) => m.assigned.length === partitions / members.length)
  );
}

describe('kafka broker with kafkajs: consumer groups', () => {
  jest.setTimeout(30_000);
  let broker: RunningKafkaBroker;
  let kafka: Kafka;
  let producer: Producer;

  beforeAll(async () => {
    broker = await startKafkaBroker({ defaultPartitions: 6 });
    kafka = testKafka(broker.address);
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await broker.stop();
  });

  async function produce(topic: string, prefix: string, count: number): Promise<string[]> {
    const values = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
    await producer.send({
      topic,
      messages: values.map((value, i) => ({ key: `key-${i}`, value })),
    });
    return values;
  }

  it('splits 6 partitions across 3 members, then rebalances on a clean leave and on a crash without losing or re-processing committed work', async () => {
    const topic = uniqueName('rebalance');
    const groupId = uniqueName('group');
    const ledger = new ProcessingLedger();
    const produced = await produce(topic, 'phase1', 120);

    const members: GroupMemberHandle[] = [];
    for (let i = 0; i < 3; i += 1) members.push(await joinMember(broker, topic, groupId, ledger));
    await waitFor(() => evenSplit(members, 6), 'three members holding two partitions each');
    expect(members.map((m) => m.assigned.length)).toEqual([2, 2, 2]);

    await waitFor(() => produced.every((v) => ledger.processed.has(v)), 'phase 1 processed');

    // A clean leave (LeaveGroup): the two who stay share all six partitions.
    await members[0].consumer.disconnect();
    await waitFor(
      () => evenSplit(members.slice(1), 6),
      'two members holding three partitions each',
    );
    produced.push(...(await produce(topic, 'phase2', 120)));
    await waitFor(() => produced.every((v) => ledger.processed.has(v)), 'phase 2 processed');

    // A crash (no LeaveGroup): only the session timeout can evict it.
    members[2].crash();
    // Shutting the dead client down cannot reach the broker either (every connection is refused).
    const crashedShutdown = members[2].consumer.disconnect().catch(() => undefined);
    await waitFor(
      () => members[1].assigned.length === 6,
      'survivor owning all six partitions after session timeout',
    );
    produced.push(...(await produce(topic, 'phase3', 120)));
    await waitFor(() => produced.every((v) => ledger.processed.has(v)), 'phase 3 processed');

    expect(ledger.redeliveredAfterCommit).toEqual([]);
    await members[1].consumer.disconnect();
    await crashedShutdown;
  });

  it('resumes a restarted consumer from its committed offset', async () => {
    const topic = uniqueName('resume');
    const groupId = uniqueName('group');
    const first = await produce(topic, 'before', 30);
    const ledger = new ProcessingLedger();
    const original = await joinMember(broker, topic, groupId, ledger);
    await waitFor(() => first.every((v) => ledger.processed.has(v)), 'first batch processed');
    await waitFor(
      () => [...ledger.committed.values()].reduce((a, b) => a + b, 0) === 30,
      'all 30 offsets committed',
    );
    await original.consumer.disconnect();

    const second = await produce(topic, 'after', 30);
    const restartedLedger = new ProcessingLedger();
    const restarted = await joinMember(broker, topic, groupId, restartedLedger);
    await waitFor(
      () => second.every((v) => restartedLedger.processed.has(v)),
      'second batch processed',
    );
    await restarted.consumer.disconnect();
    expect([...restartedLedger.processed].filter((v) => v.startsWith('before'))).toEqual([]);
  });

  it('describes a live group through the admin client', async () => {
    const topic = uniqueName('describe');
    const groupId = uniqueName('group');
    await produce(topic, 'x', 1);
    const member = await joinMember(broker, topic, groupId, new ProcessingLedger());
    await waitFor(() => member.assigned.length === 6, 'single member owning all partitions');
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { groups } = await admin.describeGroups([groupId]);
      expect(groups[0]).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer' });
      expect(groups[0].members).toHaveLength(1);
      expect((await admin.listGroups()).groups.map((g) => g.groupId)).toContain(groupId);
    } finally {
      await admin.disconnect();
      await member.consumer.disconnect();
    }
  });
});
