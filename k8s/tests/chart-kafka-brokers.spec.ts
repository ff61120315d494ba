import { configMapData } from './support/container-env';
import { render, renderError } from './support/helm';
import { byKind, component, podTemplates, spec } from './support/k8s-objects';
import { PolicyModel } from './support/network-policy';

const threeBrokers = ['users.enabled=true', 'videos.enabled=true', 'kafka.replicas=3'];

function serverProperties(set: string[]): Map<string, string> {
  const text = configMapData(render({ set })).get('kinema-kafka')?.['server.properties'] ?? '';
  return new Map(
    [...text.matchAll(/^([a-z.]+)=(.*)$/gm)].map((m) => [m[1] ?? '', (m[2] ?? '').trim()]),
  );
}

describe('Kafka with three brokers', () => {
  const objects = render({ set: threeBrokers });
  const kafka = byKind(objects, 'StatefulSet').find(
    (s) => component(s.metadata.labels) === 'kafka',
  );

  it('runs three KRaft nodes, started together, in one controller quorum', () => {
    const s = spec<{ replicas: number; podManagementPolicy: string }>(kafka ?? ({} as never));
    expect(s.replicas).toBe(3);
    expect(s.podManagementPolicy).toBe('Parallel');
    const voters = serverProperties(threeBrokers).get('controller.quorum.voters')?.split(',');
    expect(voters).toEqual(
      [0, 1, 2].map(
        (i) => `${i}@kinema-kafka-${i}.kinema-kafka-headless.kinema.svc.cluster.local:9093`,
      ),
    );
  });

  it('replicates every topic 3 times and acknowledges writes on 2', () => {
    const props = serverProperties(threeBrokers);
    expect(props.get('default.replication.factor')).toBe('3');
    expect(props.get('min.insync.replicas')).toBe('2');
    expect(props.get('offsets.topic.replication.factor')).toBe('3');
    expect(props.get('transaction.state.log.replication.factor')).toBe('3');
    expect(props.get('transaction.state.log.min.isr')).toBe('2');
    const topics = podTemplates(objects).find(({ labels }) => component(labels) === 'kafka-topics');
    expect((topics?.spec.containers[0]?.command ?? []).join(' ')).toContain(
      '--replication-factor 3',
    );
  });

  it('keeps a broker down at a time at most', () => {
    const pdb = byKind(objects, 'PodDisruptionBudget').find(
      (p) => component(p.metadata.labels) === 'kafka',
    );
    expect(spec<{ maxUnavailable: number }>(pdb ?? ({} as never)).maxUnavailable).toBe(1);
  });

  it('lets the brokers reach each other on the broker and controller ports, and nobody else the controllers', () => {
    const model = new PolicyModel(objects, 'kinema');
    const pod = (name: string) => ({
      namespace: 'kinema',
      labels: podTemplates(objects).find(({ labels }) => component(labels) === name)?.labels,
    });
    expect(model.allows(pod('kafka'), pod('kafka'), 9092)).toBe(true);
    expect(model.allows(pod('kafka'), pod('kafka'), 9093)).toBe(true);
    for (const other of ['gateway', 'catalog', 'kafka-topics'])
      expect(model.allows(pod(other), pod('kafka'), 9093)).toBe(false);
  });

  it('one broker stays as it was: replication factor 1, no PodDisruptionBudget', () => {
    const props = serverProperties([]);
    expect(props.get('default.replication.factor')).toBe('1');
    expect(props.get('min.insync.replicas')).toBe('1');
    expect(props.get('controller.quorum.voters')).toBe('1@localhost:9093');
    expect(
      byKind(render(), 'PodDisruptionBudget').some((p) => component(p.metadata.labels) === 'kafka'),
    ).toBe(false);
  });
});

describe('Kafka settings the chart refuses', () => {
  it.each([
    [['kafka.topics.replicationFactor=3'], /replicationFactor=3 is more than kafka.replicas=1/],
    [
      ['kafka.replicas=3', 'kafka.topics.minInsyncReplicas=3'],
      /one broker down stops every write; use 2/,
    ],
    [
      ['kafka.replicas=3', 'kafka.topics.replicationFactor=2', 'kafka.topics.minInsyncReplicas=3'],
      /more than the replication factor 2/,
    ],
    [['catalog.replicas=8'], /kafka.topics.partitions=6 is fewer than the catalog's 8 replicas/],
    [
      ['catalog.autoscaling.enabled=true', 'catalog.autoscaling.maxReplicas=7'],
      /fewer than the catalog's 7 replicas/,
    ],
  ])('%j', (set, message) => {
    expect(renderError({ set })).toMatch(message);
  });

  it('partitions default to at least the catalog HPA ceiling', () => {
    expect(() => render({ set: ['catalog.autoscaling.enabled=true'] })).not.toThrow();
  });

  it('the schema allows one or three brokers only', () => {
    expect(renderError({ set: ['kafka.replicas=2'] })).toMatch(/replicas/);
  });
});
