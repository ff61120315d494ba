import { containerEnv } from './support/container-env';
import { render, type RenderOptions } from './support/helm';
import { byKind, component, podTemplates, serviceDeployment } from './support/k8s-objects';
import { PolicyModel } from './support/network-policy';

const redisRendered = (options: RenderOptions) =>
  byKind(render(options), 'Deployment').some((d) => component(d.metadata.labels) === 'redis');

describe("the gateway's Redis", () => {
  it.each([
    ['two fixed gateway replicas', ['gateway.replicas=2']],
    ['an HPA that may reach 3', ['gateway.autoscaling.enabled=true']],
    ['an HPA of 1 to 2', ['gateway.autoscaling.enabled=true', 'gateway.autoscaling.maxReplicas=2']],
    ['redis.enabled=true with one replica', ['redis.enabled=true']],
  ])('is rendered with %s', (_label, set) => {
    expect(redisRendered({ set })).toBe(true);
  });

  it.each([
    ['one replica (the default)', []],
    ['an HPA held at 1', ['gateway.autoscaling.enabled=true', 'gateway.autoscaling.maxReplicas=1']],
    ['redis.enabled=false', ['gateway.replicas=3', 'redis.enabled=false']],
    ['a Redis of your own', ['gateway.replicas=3', 'gateway.redis.url=redis://redis.example:6379']],
    ['the gateway off', ['gateway.enabled=false', 'gateway.replicas=3']],
  ])('is not rendered with %s', (_label, set) => {
    expect(redisRendered({ set })).toBe(false);
  });

  describe('with two gateway replicas', () => {
    const objects = render({ set: ['gateway.replicas=2'] });
    const pod = (name: string) => ({
      namespace: 'kinema',
      labels: podTemplates(objects).find(({ labels }) => component(labels) === name)?.labels,
    });

    it('gives the gateway REDIS_URL with the password Redis requires', () => {
      const gateway = serviceDeployment(objects, 'gateway')?.spec.containers[0];
      const redis = podTemplates(objects).find(({ labels }) => component(labels) === 'redis')?.spec
        .containers[0];
      if (!gateway || !redis) throw new Error('not rendered');
      const url = new URL(containerEnv(objects, gateway)['REDIS_URL'] ?? '');
      expect(url.host).toBe('kinema-redis.kinema.svc.cluster.local:6379');
      expect(url.password).toHaveLength(32);
      expect(url.password).toBe(containerEnv(objects, redis)['REDIS_PASSWORD']);
      expect((redis.command ?? []).join(' ')).toContain('requirepass %s');
    });

    it('the NetworkPolicies let the gateway, and only the gateway, reach it', () => {
      const model = new PolicyModel(objects, 'kinema');
      expect(model.allows(pod('gateway'), pod('redis'), 6379)).toBe(true);
      for (const other of ['catalog', 'users', 'videos', 'kafka', 'postgresql'])
        expect(model.allows(pod(other), pod('redis'), 6379)).toBe(false);
      expect(model.allows(pod('redis'), { external: true }, 443)).toBe(false);
    });
  });
});
