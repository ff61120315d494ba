import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AddressBook } from './address-book';
import { statusRows } from './status';
import type { ManagedProcess } from './supervisor';

// A gateway's own request counter as its /metrics shows it: the users' requests, and the
// launcher's readiness probes and a scraper's requests, counted on the ops paths.
const EXPOSITION = [
  '# TYPE http_server_request_duration_seconds histogram',
  'http_server_request_duration_seconds_count{method="GET",route="/api/v1/titles",status_code="200",path="hot"} 40',
  'http_server_request_duration_seconds_count{method="GET",route="/api/v1/titles",status_code="200",path="pipeline"} 2',
  'http_server_request_duration_seconds_count{method="POST",route="/api/v1/auth/login",status_code="401",path="pipeline"} 1',
  'http_server_request_duration_seconds_count{method="GET",route="/readyz",status_code="200",path="pipeline"} 30',
  'http_server_request_duration_seconds_count{method="GET",route="/metrics",status_code="200",path="pipeline"} 5',
].join('\n');

describe('kinema status', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((_request, response) => response.end(EXPOSITION)).listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => server.close());

  const gateway = (name: string) =>
    ({
      spec: {
        name,
        service: 'gateway',
        ready: { kind: 'http', listener: 'http', path: '/readyz' },
      },
      pid: process.pid,
      startedAt: Date.now(),
      listeners: { http: port, ops: port },
    }) as unknown as ManagedProcess;

  it("counts a gateway's users' requests, not the probes and scrapes of its ops paths", async () => {
    const [row] = await statusRows([gateway('gateway')], new AddressBook(() => true), ['gateway']);
    expect(row?.requests).toBe(43);
  });

  it('calls a gateway ready while the front hands it connections, not once it is out of rotation', async () => {
    const rows = await statusRows(
      [gateway('gateway'), gateway('gateway-2')],
      new AddressBook(() => true),
      ['gateway'],
    );
    expect(rows.map((row) => [row.name, row.ready])).toEqual([
      ['gateway', true],
      ['gateway-2', false],
    ]);
  });
});
