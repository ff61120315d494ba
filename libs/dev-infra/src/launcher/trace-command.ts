import { parseArgs } from 'node:util';
import {
  ReceiverUnreachable,
  TraceQueryClient,
  TraceQueryRejected,
} from '../otlp/trace-query.client';
import { parseDuration, parseTraceId, TraceQueryError } from '../otlp/trace-query.params';
import type { KinemaCommand, KinemaContext } from './kinema-command';
import { askLauncher } from './launcher-client';
import { UsageError } from './launcher-commands';
import type { TraceDestination } from './trace-destination';
import { renderWaterfall } from './trace-waterfall';

/** What `kinema trace` was asked for, its arguments checked. */
export type TraceRequest =
  | {
      pick: 'last' | 'slowest';
      service?: string;
      route?: string;
      /** Background traces (outbox relay, consumers) too, not only requests. */
      any: boolean;
      since?: string;
      url?: string;
    }
  | { pick: 'id'; traceId: string; url?: string };

/** Reads `trace <trace-id | last | slowest> [options]`; throws UsageError saying what is wrong. */
export function parseTraceArgs(args: string[]): TraceRequest {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1 || !positionals[0]) {
    throw new UsageError('give one of: a trace id, last, slowest');
  }
  const [what] = positionals;
  const url = values.url === undefined ? undefined : receiverUrl(values.url);
  try {
    if (what === 'last' || what === 'slowest') {
      if (values.since !== undefined) parseDuration(values.since);
      return {
        pick: what,
        service: values.service,
        route: values.route,
        any: values.any ?? false,
        since: values.since,
        url,
      };
    }
    const traceId = parseTraceId(what);
    const filters = (['service', 'route', 'any', 'since'] as const).filter(
      (name) => values[name] !== undefined,
    );
    if (filters.length > 0) {
      throw new UsageError(
        `--${filters[0]} chooses among traces: it goes with last or slowest, not a trace id`,
      );
    }
    return { pick: 'id', traceId, url };
  } catch (error) {
    if (error instanceof TraceQueryError) throw new UsageError(error.message);
    throw error;
  }
}

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      service: { type: 'string' },
      route: { type: 'string' },
      any: { type: 'boolean' },
      since: { type: 'string' },
      url: { type: 'string' },
    },
  });
}

function receiverUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(
      `--url must be the receiver's address, e.g. http://127.0.0.1:14318, got "${text}"`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--url must be an http(s) address, got "${text}"`);
  }
  return url.origin;
}

/** The output of a run and how it ended. */
export interface TraceOutput {
  out(text: string): void;
  err(text: string): void;
  columns: number;
  colour: boolean;
}

/** The receiver's URL from the running launcher, or a message (and exit code 2) saying why not. */
async function findReceiver(dataDir: string): Promise<{ url: string } | { message: string }> {
  let answer: Awaited<ReturnType<typeof askLauncher>>;
  try {
    answer = await askLauncher(dataDir, { command: 'traces' });
  } catch (error) {
    return {
      message: `${(error as Error).message}, or give a trace receiver's address with --url URL`,
    };
  }
  if (!answer.ok)
    return { message: `the launcher could not say where the traces are: ${answer.error}` };
  const destination = JSON.parse(answer.text) as TraceDestination;
  switch (destination.kind) {
    case 'embedded':
      return { url: destination.url };
    case 'external':
      return {
        message:
          `this system sends its traces to ${destination.endpoint} (${destination.variable}), not to ` +
          'the embedded receiver: look them up there (Jaeger, Tempo, ...)',
      };
    case 'disabled':
      return { message: 'tracing is off in this system (OTEL_SDK_DISABLED=true)' };
  }
}

/**
 * Has every process of the running launcher export the spans waiting in its batch, so that a
 * request made just before is in the receiver whole; says whose latest spans may be missing.
 */
async function flushWaitingSpans(dataDir: string, output: TraceOutput): Promise<void> {
  let missing: string[];
  try {
    const answer = await askLauncher(dataDir, { command: 'flush-traces' });
    missing = answer.ok ? (JSON.parse(answer.text) as string[]) : [`all (${answer.error})`];
  } catch (error) {
    missing = [`all (${(error as Error).message})`];
  }
  if (missing.length === 0) return;
  output.err(`kinema trace: the latest spans of these may be missing: ${missing.join(', ')}\n`);
}

/** Runs `kinema trace`: finds the trace, draws it; 0 shown, 1 not found, 2 usage or no receiver. */
export async function runTrace(
  request: TraceRequest,
  context: KinemaContext,
  output: TraceOutput,
): Promise<number> {
  const found = request.url ? { url: request.url } : await findReceiver(context.dataDir);
  if ('message' in found) {
    output.err(`kinema trace: ${found.message}\n`);
    return 2;
  }
  if (!request.url) await flushWaitingSpans(context.dataDir, output);
  const client = new TraceQueryClient(found.url);
  try {
    let traceId: string;
    if (request.pick === 'id') {
      traceId = request.traceId;
    } else {
      const { traces } = await client.list({
        sort: request.pick === 'last' ? 'recent' : 'slowest',
        root: request.any ? 'any' : 'server',
        service: request.service,
        route: request.route,
        since: request.since,
        limit: '1',
      });
      const first = traces[0];
      if (!first) {
        const { traces: held } = await client.stats();
        output.err(
          `kinema trace: no ${request.any ? 'trace' : 'request trace'} matches among the ${held} the receiver at ${found.url} holds` +
            (held === 0 ? '; make a request first (open the web app, or curl the API)' : '') +
            '\n',
        );
        return 1;
      }
      traceId = first.traceId;
    }
    const [trace, linkedFrom] = await Promise.all([
      client.trace(traceId),
      client.linkedFrom(traceId),
    ]);
    output.out(
      `${renderWaterfall(trace, linkedFrom.spans, { width: output.columns, colour: output.colour })}\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof TraceQueryRejected) {
      output.err(`kinema trace: ${error.message}\n`);
      return error.status === 404 ? 1 : 2;
    }
    if (error instanceof ReceiverUnreachable) {
      output.err(`kinema trace: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

/** `npm run kinema -- trace ...`: one trace as a waterfall in the terminal. */
export const TRACE_COMMAND: KinemaCommand = {
  name: 'trace',
  usage:
    'trace last [--service S] [--route TEXT] [--any] [--since 10m]\n' +
    '                             the latest request as a waterfall (--any: background work too)\n' +
    'trace slowest [...]          the slowest trace kept (same options)\n' +
    "trace <trace-id>             one trace (32 hex digits: a response's x-trace-id)\n" +
    "                             --url URL reads a receiver at URL instead of the launcher's",
  run: (args, context) =>
    runTrace(parseTraceArgs(args), context, {
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
      columns: process.stdout.columns ?? (Number(process.env['COLUMNS']) || 100),
      colour: Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'],
    }),
};
