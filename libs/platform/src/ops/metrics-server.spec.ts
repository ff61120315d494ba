import { Counter } from 'prom-client';
import { metricsRegistry } from './metrics';
import { serveMetrics } from './metrics-server';

describe('serveMetrics (an ops port for a process whose app is public)', () => {
  it('answers /metrics in the Prometheus text format, and nothing else', async () => {
    const counter = new Counter({
      name: 'kinema_metrics_server_test_total',
      help: 'test',
      registers: [metricsRegistry],
    });
    counter.inc(3);
    const { server, port } = await serveMetrics(0, '127.0.0.1');
    try {
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toBe(metricsRegistry.contentType);
      expect(await metrics.text()).toContain('kinema_metrics_server_test_total 3');
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' })).status).toBe(
        404,
      );
    } finally {
      server.close();
      metricsRegistry.removeSingleMetric('kinema_metrics_server_test_total');
    }
  });
});
