import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type { z } from 'zod';
import { baseConfigShape, isDevelopmentOnly, isSecret } from '@kinema/platform/config';
import { LOG_FLUSH_MS } from '@kinema/platform/logging';
import { telemetryConfigSchema } from '@kinema/platform/telemetry';
// The page is generated from each app's own schema so it cannot drift from what the processes
// accept; this tool only reads the schemas, nothing of the apps runs.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { configSchema as catalogSchema } from '../../../apps/catalog/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { configSchema as gatewaySchema } from '../../../apps/gateway/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  configSchema as loadgenSchema,
  USAGE as LOADGEN_USAGE,
} from '../../../apps/loadgen/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { configSchema as usersSchema } from '../../../apps/users/src/config';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { configSchema as videosSchema } from '../../../apps/videos/src/config';

export const CONFIGURATION_DOC = 'docs/configuration.md';
export const GENERATE_COMMAND = 'npx nx run docs:generate';

interface Section {
  title: string;
  /** Where the schema is defined (its comments are the descriptions). */
  source: string;
  shape: Record<string, z.ZodType>;
  /** Variables shown in a shared section instead. */
  omit?: readonly string[];
}

const SHARED = 'libs/platform/src/config/env.ts';

/**
 * What a variable means when its schema carries no comment (the comment in the code wins once
 * someone writes one there).
 */
const UNCOMMENTED: Record<string, string> = {
  NODE_ENV:
    '`production` refuses development values (secrets left at their defaults, `FAULT_INJECTION`).',
  LOG_LEVEL:
    'The level the process logs at (pino): `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`. ' +
    `Lines go to standard output in batches, each within ${LOG_FLUSH_MS} ms.`,
  SHUTDOWN_TIMEOUT_MS: 'Shutdown finishes in-flight work up to this bound, then exits.',
  HTTP_HOST: 'The address the public HTTP port binds.',
  HTTP_PORT: 'The public port: the REST API, `/ws`, `/docs`, the web app.',
  GRPC_HOST: 'The address the gRPC server binds.',
  GRPC_PORT: 'The gRPC port the gateway calls.',
  OPS_HOST: 'The address the ops port binds.',
  OPS_PORT: '`/healthz`, `/readyz` and `/metrics`, off the service port.',
  GRPC_DEADLINE_MS: 'The deadline on every gRPC call the gateway makes.',
  KAFKA_BROKERS: 'Kafka bootstrap brokers, comma-separated.',
  DATABASE_POOL_MAX: "Connections in the service's database pool.",
  BODY_LIMIT_BYTES: 'Largest JSON request body (413 beyond it).',
  DOCS_ENABLED: 'Serve the OpenAPI document and Swagger UI at `/docs`.',
  RATE_LIMIT_AUTH_WINDOW_SECONDS: 'The window of the sign-in, registration and refresh limits.',
  RATE_LIMIT_WINDOW_SECONDS: 'The window of `RATE_LIMIT_REQUESTS`.',
  WS_PING_INTERVAL_MS:
    'How often the gateway pings each WebSocket client; one that does not answer is dropped.',
  ACCESS_TOKEN_TTL_SECONDS: 'Lifetime of an access token (ES256 JWT).',
  REFRESH_TOKEN_TTL_SECONDS: 'Lifetime of a refresh token (rotated on every use).',
  BOOTSTRAP_ADMIN_EMAIL:
    'With `BOOTSTRAP_ADMIN_PASSWORD`: the first admin, created at start if missing.',
  ARGON2_MEMORY_KIB: "argon2id's memory cost per password hash (OWASP's baseline by default).",
  ARGON2_TIME_COST: "argon2id's passes per password hash.",
  OTEL_SDK_DISABLED: 'Turns tracing off in this process.',
  OTEL_TRACES_EXPORTER: 'Where spans go: OTLP, the console, or nowhere.',
  OTEL_EXPORTER_OTLP_PROTOCOL: 'The OTLP protocol of every signal.',
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'The OTLP protocol of traces, if not the general one.',
  OTEL_EXPORTER_OTLP_ENDPOINT:
    'The OTLP endpoint (the collector); `npm start` sets its embedded receiver.',
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'The OTLP endpoint of traces, if not the general one.',
  OTEL_SERVICE_NAME: "The service's name in traces (the app's name when unset).",
  OTEL_TRACES_SAMPLER:
    'The sampler; unset, parent-based with 1 % of new traces ([performance.md](performance.md#tracing)).',
  OTEL_TRACES_SAMPLER_ARG: 'The ratio of a ratio-based sampler.',
  DATABASE_URL:
    "The service's own PostgreSQL database (`postgres://` or `postgresql://`); `npm start` gives each service its PGlite.",
  CURSOR_SECRET: 'Signs pagination cursors; the development value is refused in production.',
  BOOTSTRAP_ADMIN_PASSWORD: "With `BOOTSTRAP_ADMIN_EMAIL`: the first admin's password.",
  S3_ACCESS_KEY_ID:
    "The object store's access key (the development value is refused in production).",
  S3_SECRET_ACCESS_KEY:
    "The object store's secret key (the development value is refused in production).",
  S3_ENDPOINT:
    'The object store the videos service writes to and reads from (its internal endpoint).',
  S3_REGION: "The object store's region.",
  S3_BUCKET: 'The bucket holding videos and artwork.',
  UPLOAD_STALE_AFTER_MS:
    'How long an upload may go unmarked before it counts as dead (see `UPLOAD_SWEEP_INTERVAL_MS`).',
};

/**
 * The load generator documents each variable in its `--help` text, beside the option that
 * overrides it: each option's description, by the variables it names.
 */
export function usageDescriptions(usage: string): Map<string, string> {
  const descriptions = new Map<string, string>();
  const options: string[] = [];
  for (const line of usage.split('\n')) {
    const option = /^ {2}--\S+(?: \S+)?\s{2,}(.*)$/.exec(line);
    if (option) options.push(option[1] ?? '');
    else if (/^ {20,}\S/.test(line) && options.length > 0)
      options[options.length - 1] += ` ${line.trim()}`;
  }
  // --admin-email and --admin-password share one description over two lines.
  const merged = options.map((text, index) =>
    /^\(LOAD_/.test(text) && index > 0 ? `${options[index - 1]} ${text}` : text,
  );
  for (const text of merged)
    for (const [name] of text.matchAll(/LOAD_[A-Z_]+/g))
      if (!descriptions.has(name)) descriptions.set(name, text);
  return descriptions;
}
const TELEMETRY = 'libs/platform/src/telemetry/telemetry-config.ts';
const baseKeys = Object.keys(baseConfigShape);

const SECTIONS: readonly Section[] = [
  {
    title: 'Every Kinema process',
    source: SHARED,
    shape: baseConfigShape,
  },
  {
    title: 'Every service: OpenTelemetry',
    source: TELEMETRY,
    shape: telemetryConfigSchema.shape,
  },
  {
    title: 'gateway',
    source: 'apps/gateway/src/config.ts',
    shape: gatewaySchema.shape,
    omit: baseKeys,
  },
  {
    title: 'catalog',
    source: 'apps/catalog/src/config.ts',
    shape: catalogSchema.shape,
    omit: baseKeys,
  },
  { title: 'users', source: 'apps/users/src/config.ts', shape: usersSchema.shape, omit: baseKeys },
  {
    title: 'videos',
    source: 'apps/videos/src/config.ts',
    shape: videosSchema.shape,
    omit: baseKeys,
  },
  {
    title: 'loadgen (`kinema load`)',
    source: 'apps/loadgen/src/config.ts',
    shape: loadgenSchema.shape,
    omit: ['NODE_ENV'],
  },
];

/**
 * The comment written above each UPPER_CASE property in a TypeScript file (`/** ... *\/` or `//`
 * lines), joined into one line: the description of that variable.
 */
export function variableComments(file: string, text: string): Map<string, string> {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const comments = new Map<string, string>();
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name)) {
      const name = node.name.text;
      if (/^[A-Z][A-Z0-9_]+$/.test(name) && !comments.has(name)) {
        const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
        const words = ranges
          .map((range) => text.slice(range.pos, range.end))
          .map((comment) =>
            comment
              .replace(/^\/\*\*?|\*\/$/g, '')
              .split('\n')
              .map((line) => line.replace(/^\s*(\*|\/\/)\s?/, '').trim())
              .join(' '),
          )
          .join(' ')
          .replace(/\s+/g, ' ')
          .trim();
        if (words) comments.set(name, words);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return comments;
}

/** What a variable is when unset, as a reader would type it. */
export function describeDefault(schema: z.ZodType): string {
  const parsed = schema.safeParse(undefined);
  if (!parsed.success) return 'required';
  const value: unknown = parsed.data;
  if (value === undefined) return 'unset';
  if (isSecret(schema)) return 'a development value';
  if (Array.isArray(value)) return `\`${value.join(',')}\``;
  if (typeof value === 'object' && value !== null) return `\`${JSON.stringify(value)}\``;
  return `\`${String(value)}\``;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

function renderSection(section: Section, root: string): string[] {
  const comments = new Map([
    ...usageDescriptions(LOADGEN_USAGE),
    ...variableComments(SHARED, readFileSync(join(root, SHARED), 'utf8')),
    ...variableComments(section.source, readFileSync(join(root, section.source), 'utf8')),
  ]);
  const rows = Object.entries(section.shape)
    .filter(([name]) => !section.omit?.includes(name))
    .map(([name, schema]) => {
      const marks = [
        isSecret(schema) ? 'secret' : '',
        isDevelopmentOnly(schema) ? 'development only' : '',
      ].filter(Boolean);
      const what = escapeCell(comments.get(name) ?? UNCOMMENTED[name] ?? '');
      return `| \`${name}\` | ${describeDefault(schema)} | ${marks.length ? `_${marks.join(', ')}._ ` : ''}${what} |`;
    });
  return [
    `## ${section.title}`,
    '',
    `From \`${section.source}\`.`,
    '',
    '| variable | when unset | meaning |',
    '| --- | --- | --- |',
    ...rows,
    '',
  ];
}

/** docs/configuration.md as the schemas define it today. */
export function renderConfigurationDoc(root: string): string {
  return [
    '# Configuration',
    '',
    `<!-- Generated from the configuration schemas by \`${GENERATE_COMMAND}\`; do not edit by hand. -->`,
    '',
    'Each process validates its environment once at start and, when something is wrong, lists',
    'every bad variable with what was expected, then exits with status 78:',
    '',
    '```',
    'catalog: Invalid configuration:',
    '  - GRPC_PORT: expected a port from 0 to 65535 (got "70000")',
    '  - DATABASE_URL: expected a URL starting with postgres:// or postgresql:// (got a secret value)',
    '```',
    '',
    'Defaults fit `npm start` (everything on loopback, the embedded stand-ins). A _secret_ is never',
    'printed, not even when it is invalid; a _development only_ variable is refused switched on under',
    '`NODE_ENV=production`, as are the development defaults of the secrets that have one. The tables',
    'below are generated from the zod schemas each app exports (`configSchema` in',
    '`apps/*/src/config.ts`) and the shapes they share from `libs/platform`; a test fails when this',
    `page and the schemas disagree (\`${GENERATE_COMMAND}\` rewrites it).`,
    '',
    'The variables `npm start` itself reads (ports of every process, the scale, the young',
    'generation, profiles) are in [operations.md](operations.md#what-npm-start-reads); using an',
    'external PostgreSQL, Kafka or S3 is in [external-infrastructure.md](external-infrastructure.md);',
    'the limits these variables set are gathered in [security.md](security.md#limits).',
    'The Helm chart sets some of them differently for a cluster (for example',
    "`DATABASE_CONNECT_RETRY_MS=150000`, within its startup probe's window): `helm/kinema/values.yaml`.",
    '',
    ...SECTIONS.flatMap((section) => renderSection(section, root)),
  ].join('\n');
}
