import { runHelm } from './support/helm';
import { chartDir } from './support/repo';

/** The release notes `helm install` prints with `set`. */
function notes(set: readonly string[] = []): string {
  const args = ['install', 'kinema', chartDir, '--dry-run=client', '--namespace', 'kinema'];
  for (const value of set) args.push('--set', value);
  const result = runHelm(args);
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.slice(result.stdout.indexOf('NOTES:'));
}

/** Every http(s) URL the notes print, with what stands in for a shell substitution kept. */
function urls(text: string): string[] {
  return [...text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]);
}

describe('the release notes print a working URL', () => {
  it('on kind with the NodePort the kind config maps (30080): localhost:8080', () => {
    const text = notes(['gateway.service.nodePort=30080']);
    expect(text).toContain('kind (with k8s/kind/cluster.yaml):  http://localhost:8080/docs');
    expect(text).toContain('http://<node-ip>:30080/docs');
  });

  it('with another NodePort: no localhost:8080 promise, the node URL carries the port', () => {
    const text = notes(['gateway.service.nodePort=31234']);
    expect(text).not.toContain('kind (with k8s/kind/cluster.yaml)');
    expect(text).toContain('maps only NodePort 30080');
    expect(text).toContain('http://<node-ip>:31234/docs');
  });

  it('with a NodePort the cluster picks (the default): a command that reads the port', () => {
    const text = notes();
    expect(text).toContain(
      "http://<node-ip>:$(kubectl -n kinema get svc kinema-gateway -o jsonpath='{.spec.ports[0].nodePort}')/docs",
    );
    expect(text).toContain('minikube service kinema-gateway -n kinema --url');
  });

  it('with a LoadBalancer: its address, and the port when it is not 80', () => {
    expect(notes(['gateway.service.type=LoadBalancer'])).toContain(
      "http://$(kubectl -n kinema get svc kinema-gateway -o jsonpath='{.status.loadBalancer.ingress[0].ip}{.status.loadBalancer.ingress[0].hostname}')/docs",
    );
    expect(notes(['gateway.service.type=LoadBalancer', 'gateway.service.port=8081'])).toMatch(
      /hostname}'\):8081\/docs/,
    );
  });

  it.each(['NodePort', 'LoadBalancer', 'ClusterIP'])(
    'with %s: a port-forward that always works, and no URL without a port or host',
    (type) => {
      const text = notes([`gateway.service.type=${type}`]);
      expect(text).toContain('kubectl -n kinema port-forward svc/kinema-gateway 8080:80');
      // The old notes printed http://<node-ip>:/docs when no NodePort was set.
      expect(urls(text).length).toBeGreaterThan(0);
      expect(urls(text).filter((url) => /^https?:\/\/([^/]*:\/|\/)/.test(url))).toEqual([]);
    },
  );

  it('through an Ingress', () => {
    expect(notes(['ingress.enabled=true', 'ingress.host=kinema.example.com'])).toContain(
      'http://kinema.example.com/docs',
    );
  });
});

describe('the release notes on scaling', () => {
  it('say within how many seconds new pods receive traffic, from the connection age', () => {
    expect(notes()).toContain('New catalog pods receive traffic within 27 s');
    expect(notes(['catalog.env.GRPC_MAX_CONNECTION_AGE_MS=10000'])).toContain(
      'receive traffic within 16 s',
    );
  });

  it('stay within 30 s by default', () => {
    const seconds = Number(/receive traffic within (\d+) s/.exec(notes())?.[1]);
    expect(seconds).toBeLessThanOrEqual(30);
  });

  it('with the HPA on, scale through its floor rather than kubectl scale', () => {
    const text = notes(['catalog.autoscaling.enabled=true']);
    expect(text).toContain(
      `kubectl -n kinema patch hpa/kinema-catalog --type merge -p '{"spec":{"minReplicas":3}}'`,
    );
    expect(text).not.toContain('kubectl -n kinema scale');
  });
});

describe('the release notes with PgBouncer', () => {
  it('ask for no special roll-out: migrations lock per transaction, which PgBouncer keeps', () => {
    expect(notes(['pgbouncer.enabled=true'])).not.toMatch(/migration/i);
  });
});
