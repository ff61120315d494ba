import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { BasicTracerProvider, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { otlpSpec, REPO_ROOT } from '../launcher/plan';
import { Supervisor, type ManagedProcess } from '../launcher/supervisor';
import { tracerProvider } from './testing/otel-span.builders';

const KINEMA = join(REPO_ROOT, 'libs/dev-infra/dist/launcher/kinema.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run kinema -- <args>` as a user runs it, not on a terminal, without colours. */
function kinema(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KINEMA, ...args], {
      // Without FORCE_COLOR (Nx sets it for the commands it runs): Node warns on stderr when
      // both are set, and the run must print nothing there.
      env: { ...process.env, COLUMNS: '120', NO_COLOR: '1', FORCE_COLOR: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A provider whose exporter is configured the standard way: OTEL_EXPORTER_OTLP_* variables. */
function exportingProvider(
  service: string,
  env: Record<string, string>,
  exporter: () => SpanExporter,
): BasicTracerProvider {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return tracerProvider(service, exporter(), { 'service.instance.id': service });
  } finally {
    process.env = saved;
  }
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface Sent {
  request: string;
  slow: string;
  relay: string;
  consumer: string;
}

/**
 * What the services will send: a titles request (gateway over protobuf; catalog over gzipped
 * JSON, its SQL failing), a slower browse request, an outbox relay's publish linking to the titles
 * request, and a consumer's process span linking to the publish.
 */
function sendTraces(gateway: Tracer, catalog: Tracer): Sent {
  const start = Date.now() - 60_000;
  const slow = gateway.startSpan('GET /api/v1/browse', {
    kind: SpanKind.SERVER,
    startTime: start,
    attributes: { 'http.route': '/api/v1/browse', 'http.response.status_code': 200 },
  });
  slow.end(start + 250);

  const root = gateway.startSpan('GET /api/v1/titles/:id', {
    kind: SpanKind.SERVER,
    startTime: start + 1_000,
    attributes: { 'http.route': '/api/v1/titles/:id', 'http.response.status_code': 500 },
  });
  const call = gateway.startSpan(
    'kinema.catalog.v1.Titles/GetTitle',
    { kind: SpanKind.CLIENT, startTime: start + 1_002 },
    trace.setSpan(context.active(), root),
  );
  const server = catalog.startSpan(
    'kinema.catalog.v1.Titles/GetTitle',
    { kind: SpanKind.SERVER, startTime: start + 1_004 },
    trace.setSpan(context.active(), call),
  );
  const query = catalog.startSpan(
    'SELECT kinema_catalog',
    {
      kind: SpanKind.CLIENT,
      startTime: start + 1_005,
      attributes: { 'db.query.text': 'SELECT * FROM titles WHERE id = $1' },
    },
    trace.setSpan(context.active(), server),
  );
  query.setStatus({ code: SpanStatusCode.ERROR, message: 'relation "titles" does not exist' });
  query.end(start + 1_007);
  server.setStatus({ code: SpanStatusCode.ERROR });
  server.end(start + 1_008);
  call.end(start + 1_009);
  root.end(start + 1_010);

  const publish = catalog.startSpan('catalog.titles.v1 publish', {
    kind: SpanKind.PRODUCER,
    root: true,
    startTime: start + 1_050,
    links: [{ context: root.spanContext() }],
    attributes: { 'messaging.destination.name': 'catalog.titles.v1' },
  });
  publish.end(start + 1_052);
  const consume = gateway.startSpan('catalog.titles.v1 process', {
    kind: SpanKind.CONSUMER,
    root: true,
    startTime: start + 1_060,
    links: [{ context: publish.spanContext() }],
  });
  consume.end(start + 1_061);
  return {
    request: root.spanContext().traceId,
    slow: slow.spanContext().traceId,
    relay: publish.spanContext().traceId,
    consumer: consume.spanContext().traceId,
  };
}

describe('kinema trace against the receiver the launcher starts', () => {
  jest.setTimeout(60_000);
  const supervisor = new Supervisor(() => undefined);
  let receiver: ManagedProcess;
  let url: string;
  let sent: Sent;

  beforeAll(async () => {
    if (!existsSync(KINEMA)) {
      throw new Error('libs/dev-infra/dist is missing: build first (npx nx run dev-infra:build)');
    }
    receiver = await supervisor.start(otlpSpec(0));
    url = `http://${supervisor.address('otlp', 'otlp')}`;
    const gateway = exportingProvider(
      'gateway',
      { OTEL_EXPORTER_OTLP_ENDPOINT: url },
      () => new ProtobufExporter(),
    );
    const catalog = exportingProvider(
      'catalog',
      { OTEL_EXPORTER_OTLP_ENDPOINT: url, OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' },
      () => new JsonExporter(),
    );
    sent = sendTraces(gateway.getTracer('@kinema/test'), catalog.getTracer('@kinema/test'));
    await Promise.all([gateway.forceFlush(), catalog.forceFlush()]);
    await Promise.all([gateway.shutdown(), catalog.shutdown()]);
  });

  afterAll(() => supervisor.stopAll());

  it('shows the latest request as a waterfall: nesting, the failed query, what links to it', async () => {
    const run = await kinema('trace', 'last', '--url', url);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^Trace ${sent.request}  started `));
    expect(lines[1]).toMatch(
      /^GET \/api\/v1\/titles\/:id \(gateway\) {2}10\.0 ms {2}4 spans {2}2 errors$/,
    );
    expect(lines[2]).toBe('Services: gateway, catalog');
    const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    const rows = [
      at(/^ {2}gateway +GET \/api\/v1\/titles\/:id {2}500 +│/),
      at(/^ {2}gateway + {2}kinema\.catalog\.v1\.Titles\/GetTitle +│/),
      at(/^✗ catalog + {4}kinema\.catalog\.v1\.Titles\/GetTitle +│/),
      at(/^✗ catalog + {6}SELECT kinema_catalog {2}SELECT \* FROM titles .*│ +2\.0 ms$/),
    ];
    expect(rows.every((row) => row > 2)).toBe(true);
    expect([...rows].sort((a, b) => a - b)).toEqual(rows);
    expect(lines[(rows[3] ?? 0) + 1]).toMatch(/^ +error: relation "titles" does not exist$/);
    expect(run.stdout).toContain('Linked from (spans of other traces with a link to this one):');
    expect(run.stdout).toMatch(
      new RegExp(
        `\\n {2}trace ${sent.relay} {2}catalog {2}catalog\\.titles\\.v1 publish \\(producer, 50\\.0 ms after this began\\)\\n`,
      ),
    );
    expect(Math.max(...lines.map((line) => line.length))).toBeLessThanOrEqual(120);
  });

  it('shows the slowest trace, and background work with --any', async () => {
    const slowest = await kinema('trace', 'slowest', '--url', url);
    expect(slowest.code).toBe(0);
    expect(slowest.stdout.split('\n')[0]).toContain(sent.slow);
    expect(slowest.stdout).toMatch(/GET \/api\/v1\/browse \(gateway\) {2}250\.0 ms {2}1 span\n/);
    const any = await kinema('trace', 'last', '--any', '--url', url);
    expect(any.stdout.split('\n')[0]).toContain(sent.consumer);
    expect(any.stdout).toMatch(
      new RegExp(`\\n +↪ links to trace ${sent.relay}: catalog catalog\\.titles\\.v1 publish\\n`),
    );
    const filtered = await kinema('trace', 'last', '--route', 'browse', '--url', url);
    expect(filtered.stdout.split('\n')[0]).toContain(sent.slow);
  });

  it('shows a trace by id, with its links to the trace that caused it', async () => {
    const run = await kinema('trace', sent.relay, '--url', url);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`\\n +↪ links to trace ${sent.request}: gateway GET /api/v1/titles/:id\\n`),
    );
  });

  it('exits 1 for a trace it does not hold and 2 for an id that is not one, saying which', async () => {
    const unknown = await kinema('trace', 'ab'.repeat(16), '--url', url);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`kinema trace: no trace ${'ab'.repeat(16)} here`);
    const bad = await kinema('trace', 'not-a-trace-id', '--url', url);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"not-a-trace-id" is not a trace id: 32 hexadecimal digits');
    const none = await kinema('trace', 'last', '--service', 'nobody', '--url', url);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no request trace matches among the 4');
  });

  it('exits 2 when no receiver answers, at --url or through a launcher', async () => {
    const closed = await kinema('trace', 'last', '--url', `http://127.0.0.1:${await closedPort()}`);
    expect(closed.code).toBe(2);
    expect(closed.stderr).toMatch(
      /no trace receiver answers at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
    );
    const dataDir = mkdtempSync(join(tmpdir(), 'kinema-trace-'));
    try {
      const noLauncher = await kinema('trace', 'last', '--data-dir', dataDir);
      expect(noLauncher.code).toBe(2);
      expect(noLauncher.stderr).toContain('no running `npm start` answers on');
      expect(noLauncher.stderr).toContain('--url URL');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('stops cleanly when the launcher stops it', async () => {
    await supervisor.stop('otlp');
    expect(await receiver.exited).toBe(0);
  });
});
