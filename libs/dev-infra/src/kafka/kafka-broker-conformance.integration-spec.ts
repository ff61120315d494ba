import { Admin } from 'kafkajs';
import { RunningKafkaBroker, startKafkaBroker } from './kafka-broker';
import {
  AdminOperation,
  ClientUnderTest,
  ConformanceClient,
  ConformanceMessage,
  ReceivedMessage,
} from './testing/conformance/conformance-client.types';
import { kafkajsClient } from './testing/conformance/kafkajs.client';
import { kcatClient } from './testing/conformance/kcat.client';
import { platformaticClient } from './testing/conformance/platformatic.client';
import { testKafka, uniqueName } from './testing/kafka-test.helpers';
import { waitFor } from '../testing/wait-for';
import { TRANSACTIONS_REFUSAL } from './transactions-refusal';

interface ScenarioContext {
  client: ConformanceClient;
  /** kafkajs admin as a neutral witness of group state, whatever the client under test. */
  observer: Admin;
  /** Every warning the broker logged so far. */
  brokerWarnings: readonly string[];
}

interface Scenario {
  name: string;
  needs?: AdminOperation[];
  run(context: ScenarioContext): Promise<void>;
}

const PARTITIONS = 6;

function wave(label: string, count: number): ConformanceMessage[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `key-${i}`,
    value: `${label}-${i}`,
    headers: { origin: 'conformance', wave: label },
  }));
}

const values = (messages: ReceivedMessage[]): string[] => messages.map((m) => m.value).sort();

async function freshTopic(client: ConformanceClient, observer: Admin): Promise<string> {
  const topic = uniqueName(`conf-${client.name.replace(/[^a-z]/g, '')}`);
  await observer.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
  return topic;
}

async function groupState(observer: Admin, groupId: string) {
  const { groups } = await observer.describeGroups([groupId]);
  return { state: groups[0].state, members: groups[0].members.length };
}

/** An error's message with every nested error's (causes, aggregated errors, server messages). */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const nested = error as Error & { errors?: unknown[]; serverErrorMessage?: string | null };
  return [
    `${error.name}: ${error.message}`,
    nested.serverErrorMessage ?? '',
    ...(nested.errors ?? []).map(errorText),
    error.cause === undefined ? '' : errorText(error.cause),
  ]
    .filter(Boolean)
    .join(' | ');
}

const scenarios: Scenario[] = [
  {
    name: 'lists the topics and their partitions (Metadata)',
    needs: ['listTopics', 'partitionCount'],
    async run({ client, observer }) {
      const topic = await freshTopic(client, observer);
      expect(await client.listTopics?.()).toContain(topic);
      expect(await client.partitionCount?.(topic)).toBe(PARTITIONS);
    },
  },
  {
    name: 'produces keys, values and headers, plain and gzip, and reads them from the beginning',
    async run({ client, observer }) {
      const topic = await freshTopic(client, observer);
      const plain = wave('plain', 10);
      const gzip = wave('gzip', 10);
      await client.produce(topic, plain, { gzip: false });
      await client.produce(topic, gzip, { gzip: true });
      const read = await client.consumeFromBeginning(topic, 20);
      expect(values(read)).toEqual(
        values([...plain, ...gzip].map((m) => ({ ...m, partition: 0, offset: 0 }))),
      );
      const sample = read.find((m) => m.value === 'gzip-3');
      expect(sample).toMatchObject({
        key: 'key-3',
        headers: { origin: 'conformance', wave: 'gzip' },
      });
    },
  },
  {
    name: 'shares a topic between two group members after a rebalance, and lets each leave',
    async run({ client, observer }) {
      const topic = await freshTopic(client, observer);
      const groupId = uniqueName('conf-group');
      const first = await client.joinGroup(topic, groupId);
      await client.produce(topic, wave('before', 24), { gzip: false });
      await waitFor(() => first.received.length >= 24, 'the first member to read the first wave');

      const second = await client.joinGroup(topic, groupId);
      await waitFor(async () => {
        const group = await groupState(observer, groupId);
        return group.state === 'Stable' && group.members === 2;
      }, 'a stable generation with both members');
      const countBefore = first.received.length;
      const after = wave('after', 24);
      await client.produce(topic, after, { gzip: false });
      const afterValues = () =>
        new Set([...first.received.slice(countBefore), ...second.received].map((m) => m.value));
      await waitFor(() => afterValues().size >= 24, 'the second wave across both members');
      expect(first.received.slice(countBefore).length).toBeGreaterThan(0);
      expect(second.received.length).toBeGreaterThan(0);

      await second.stop();
      await waitFor(
        async () => (await groupState(observer, groupId)).members === 1,
        'the group to shrink to one member once the second leaves',
      );
      await first.stop();
      await waitFor(
        async () => (await groupState(observer, groupId)).state === 'Empty',
        'the group to be empty once both left',
      );
    },
  },
  {
    name: 'commits, and a restarted member resumes at the committed offset',
    async run({ client, observer }) {
      const topic = await freshTopic(client, observer);
      const groupId = uniqueName('conf-resume');
      await client.produce(topic, wave('old', 12), { gzip: false });
      const first = await client.joinGroup(topic, groupId);
      await waitFor(() => first.received.length >= 12, 'the first run to read the old wave');
      await first.stop();

      const committed = await observer.fetchOffsets({ groupId, topics: [topic] });
      const total = committed[0].partitions.reduce(
        (sum, p) => sum + Math.max(0, Number(p.offset)),
        0,
      );
      expect(total).toBe(12);

      // Same keys, so every partition holding old messages also holds new ones after them.
      await client.produce(topic, wave('new', 12), { gzip: false });
      const restarted = await client.joinGroup(topic, groupId);
      await waitFor(
        () => restarted.received.length >= 12,
        'the restarted run to read the new wave',
      );
      await restarted.stop();
      expect(restarted.received.filter((m) => m.value.startsWith('old-'))).toEqual([]);
    },
  },
  {
    name: 'creates, describes and deletes a topic',
    needs: ['createTopic', 'deleteTopic', 'listTopics', 'partitionCount'],
    async run({ client }) {
      const topic = uniqueName('conf-admin');
      await client.createTopic?.(topic, 3);
      expect(await client.listTopics?.()).toContain(topic);
      expect(await client.partitionCount?.(topic)).toBe(3);
      await client.deleteTopic?.(topic);
      expect(await client.listTopics?.()).not.toContain(topic);
    },
  },
  {
    name: 'lists, describes and deletes a consumer group',
    needs: ['listGroups', 'describeGroup', 'deleteGroup'],
    async run({ client, observer }) {
      const topic = await freshTopic(client, observer);
      const groupId = uniqueName('conf-admin-group');
      await client.produce(topic, wave('x', 3), { gzip: false });
      const member = await client.joinGroup(topic, groupId);
      await waitFor(() => member.received.length >= 3, 'the member to read');
      await waitFor(
        async () => (await client.describeGroup?.(groupId))?.state === 'Stable',
        'the group to be described as Stable',
      );
      expect(await client.describeGroup?.(groupId)).toEqual({ state: 'Stable', members: 1 });
      expect(await client.listGroups?.()).toContain(groupId);
      await member.stop();
      await client.deleteGroup?.(groupId);
      expect(await client.listGroups?.()).not.toContain(groupId);
    },
  },
  {
    name: 'refuses a transactional producer at once, with an error saying why, and stores nothing',
    needs: ['produceInTransaction'],
    async run({ client, observer, brokerWarnings }) {
      const topic = await freshTopic(client, observer);
      const started = Date.now();
      const failure = await client.produceInTransaction?.(topic, wave('txn', 3)).then(
        () => new Error('the transaction was committed'),
        (error: unknown) => error,
      );
      const elapsedMs = Date.now() - started;
      expect(errorText(failure)).toContain(
        client.transactionRefusal ?? TRANSACTIONS_REFUSAL.message,
      );
      // Each client is set to retry for 30 s: only an error it treats as fatal ends sooner.
      expect(elapsedMs).toBeLessThan(5_000);
      expect(brokerWarnings).toContainEqual(
        expect.stringMatching(`transactional id ${topic}-txn from client .*: `),
      );
      expect(brokerWarnings.join('\n')).toContain(TRANSACTIONS_REFUSAL.message);
      const offsets = await observer.fetchTopicOffsets(topic);
      expect(offsets.map((p) => p.high)).toEqual(Array(PARTITIONS).fill('0'));
    },
  },
];

const clients: ClientUnderTest[] = [kcatClient, platformaticClient, kafkajsClient];

describe('kafka broker conformance: one scenario list, every mainstream client', () => {
  let broker: RunningKafkaBroker;
  let observer: Admin;
  const brokerWarnings: string[] = [];

  beforeAll(async () => {
    broker = await startKafkaBroker({
      port: 0,
      defaultPartitions: PARTITIONS,
      logger: { info: () => undefined, warn: (message) => brokerWarnings.push(message) },
    });
    observer = testKafka(broker.address).admin();
    await observer.connect();
  });

  afterAll(async () => {
    await observer?.disconnect();
    await broker?.stop();
  });

  describe.each(clients.map((c) => [c.name, c] as const))('%s', (_name, candidate) => {
    const unavailable = candidate.unavailable();
    let client: ConformanceClient | undefined;

    beforeAll(async () => {
      if (unavailable === null) client = await candidate.connect(broker.address);
    });

    afterAll(async () => {
      await client?.close();
    });

    for (const scenario of scenarios) {
      const missing = (scenario.needs ?? []).filter((need) => !candidate.offers.includes(need));
      if (unavailable !== null) {
        it.skip(`${scenario.name} (skipped: ${unavailable})`, () => undefined);
      } else if (missing.length > 0) {
        it.skip(`${scenario.name} (skipped: ${candidate.name} offers no ${missing.join(', ')})`, () =>
          undefined);
      } else {
        it(
          scenario.name,
          async () => {
            if (client === undefined) throw new Error(`${candidate.name} did not connect`);
            await scenario.run({ client, observer, brokerWarnings });
          },
          60_000,
        );
      }
    }
  });

  it.skip('@confluentinc/kafka-javascript (skipped: its native binary does not install from the npm package alone; node-pre-gyp downloads it from GitHub releases or builds librdkafka from sources fetched off the network)', () =>
    undefined);
});
