import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import fc from 'fast-check';

// A contract fuzzer driven only by the gateway's OpenAPI document: requests are generated from
// each operation's parameters and body schema (fast-check), valid and mutated, and every answer
// is checked against the document with a real validator (ajv). It knows nothing of the gateway's
// code: what the document promises is what it holds the server to.

type Schema = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header';
  required?: boolean;
  schema?: Schema;
}

interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  /** Media type and schema of the JSON body, when the operation takes one. */
  body?: { mediaType: string; schema: Schema; required: boolean };
  /** A non-JSON body (a video upload): its media types. */
  rawBody?: string[];
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
  secured: boolean;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components?: { schemas?: Record<string, Schema> };
}

/** Who a request is sent as. */
export type Identity = 'anonymous' | 'viewer' | 'admin' | 'forged';

/** Real ids the requests can refer to, and credentials to send them with. */
export interface FuzzWorld {
  baseUrl: string;
  headers: Record<Identity, Record<string, string>>;
  /** Values for path parameters and X-Profile-Id, by parameter name. */
  ids: Record<string, string[]>;
}

export interface FuzzRequest {
  operation: string;
  identity: Identity;
  mutation: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export interface Finding {
  request: FuzzRequest;
  status: number;
  problem: string;
}

const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete'];
const REQUIRED_SECURITY_HEADERS = ['x-content-type-options', 'content-security-policy'];
/** Past the body limits of JSON APIs (1 MiB is common) and Node's 16 KiB header limit. */
const OVERSIZED_BODY_BYTES = 2 * 1024 * 1024;
const OVERSIZED_HEADER_BYTES = 32 * 1024;

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method] as
        | {
            parameters?: Parameter[];
            requestBody?: { required?: boolean; content: Record<string, { schema?: Schema }> };
            responses?: Operation['responses'];
            security?: unknown[];
          }
        | undefined;
      if (!op) continue;
      const content = op.requestBody?.content ?? {};
      const json = Object.keys(content).find((type) => type.includes('json'));
      const raw = Object.keys(content).filter((type) => !type.includes('json'));
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        ...(json
          ? {
              body: {
                mediaType: json,
                schema: content[json]?.schema ?? {},
                required: op.requestBody?.required ?? false,
              },
            }
          : {}),
        ...(raw.length > 0 ? { rawBody: raw } : {}),
        responses: op.responses ?? {},
        secured: (op.security ?? []).length > 0,
      });
    }
  }
  return operations;
}

function resolve(doc: OpenApiDocument, schema: Schema): Schema {
  const ref = schema['$ref'];
  if (typeof ref !== 'string') return schema;
  const name = ref.split('/').pop() ?? '';
  return resolve(doc, doc.components?.schemas?.[name] ?? {});
}

/** Values the schema accepts, as fast-check generates them. */
export function validValue(doc: OpenApiDocument, raw: Schema, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(doc, raw);
  const nullable = schema['nullable'] === true;
  const value = ((): fc.Arbitrary<unknown> => {
    if (Array.isArray(schema['enum'])) return fc.constantFrom(...(schema['enum'] as unknown[]));
    const allOf = schema['allOf'];
    if (Array.isArray(allOf) && allOf[0]) return validValue(doc, allOf[0] as Schema, depth);
    switch (schema['type']) {
      case 'integer':
        return fc.integer({
          min: Math.ceil(Number(schema['minimum'] ?? -1000)),
          max: Math.floor(Number(schema['maximum'] ?? 100_000)),
        });
      case 'number':
        return fc.double({
          min: Number(schema['minimum'] ?? -1000),
          max: Number(schema['maximum'] ?? 100_000),
          noNaN: true,
          noDefaultInfinity: true,
        });
      case 'boolean':
        return fc.boolean();
      case 'array': {
        if (depth > 4) return fc.constant([]);
        const items = (schema['items'] as Schema | undefined) ?? {};
        return fc.array(validValue(doc, items, depth + 1), {
          minLength: Number(schema['minItems'] ?? 0),
          maxLength: Math.min(Number(schema['maxItems'] ?? 3), 3),
        });
      }
      case 'object': {
        const properties = (schema['properties'] as Record<string, Schema> | undefined) ?? {};
        const required = (schema['required'] as string[] | undefined) ?? [];
        if (depth > 4) return fc.constant({});
        return fc.record(
          Object.fromEntries(
            Object.entries(properties).map(([key, child]) => [
              key,
              validValue(doc, child, depth + 1),
            ]),
          ),
          { requiredKeys: required.filter((key) => key in properties) },
        );
      }
      default:
        return stringFor(schema);
    }
  })();
  return nullable ? fc.option(value, { nil: null }) : value;
}

function stringFor(schema: Schema): fc.Arbitrary<string> {
  const minLength = Number(schema['minLength'] ?? 0);
  const maxLength = Math.min(Number(schema['maxLength'] ?? 40), 300);
  if (schema['format'] === 'uuid') return fc.uuid();
  if (schema['format'] === 'date-time')
    return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
  if (typeof schema['pattern'] === 'string') {
    return fc
      .stringMatching(new RegExp(schema['pattern']))
      .filter((s) => s.length >= minLength && s.length <= maxLength);
  }
  return fc.string({ minLength, maxLength, unit: 'grapheme' });
}

/** What a mutation does to a value: break its type, size, characters, shape or nesting. */
const nastyStrings = fc.constantFrom(
  'a\u0000b',
  '\u0000',
  '\uD800',
  'ﷺ\u202Eevil',
  '🎬'.repeat(300),
  'x'.repeat(10_000),
  '',
  ' ',
  '../../etc/passwd',
  "'; DROP TABLE titles; --",
  '%00',
  '1e309',
);
const wrongTypes = fc.constantFrom<unknown>(null, true, 42, -1, 1.5, 'text', [], {}, [[1]], {
  a: 1,
});

function deepArray(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function mutateBody(value: unknown): fc.Arbitrary<[string, unknown]> {
  const entries =
    value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
  const atKey = (make: fc.Arbitrary<unknown>, label: string) =>
    entries.length === 0
      ? make.map((v): [string, unknown] => [label, v])
      : fc
          .tuple(fc.constantFrom(...entries), make)
          .map(([key, v]): [string, unknown] => [
            `${label} ${key}`,
            { ...(value as object), [key]: v },
          ]);
  return fc.oneof(
    atKey(wrongTypes, 'wrong type at'),
    atKey(nastyStrings, 'nasty string at'),
    atKey(fc.constant(deepArray(5_000)), 'deep nesting at'),
    atKey(fc.constant([[['a']], [[1]]]), 'nested arrays at'),
    fc.constant<[string, unknown]>(['deep body', deepArray(10_000)]),
    fc.constant<[string, unknown]>([
      'unknown field',
      { ...(value as object), ['__unknown' as string]: 1 },
    ]),
    entries.length > 0
      ? fc.constantFrom(...entries).map((key): [string, unknown] => {
          const copy = { ...(value as Record<string, unknown>) };
          delete copy[key];
          return [`missing ${key}`, copy];
        })
      : fc.constant<[string, unknown]>(['empty body', {}]),
    wrongTypes.map((v): [string, unknown] => ['body of wrong type', v]),
  );
}

function mutateQuery(
  params: Array<[string, string]>,
): fc.Arbitrary<[string, Array<[string, string]>]> {
  const names = params.map(([name]) => name);
  const withName = (
    label: string,
    make: (name: string) => fc.Arbitrary<Array<[string, string]>>,
  ) =>
    names.length === 0
      ? fc.constant<[string, Array<[string, string]>]>([`${label} (none)`, [['zz', '1']]])
      : fc
          .constantFrom(...names)
          .chain((name) =>
            make(name).map((p): [string, Array<[string, string]>] => [`${label} ${name}`, p]),
          );
  return fc.oneof(
    withName('repeated', (name) =>
      fc.constant([...params, [name, params.find(([n]) => n === name)?.[1] ?? '1']]),
    ),
    withName('nasty', (name) =>
      nastyStrings.map((nasty) =>
        params.map(([n, v]): [string, string] => [n, n === name ? nasty : v]),
      ),
    ),
    withName('wrong type', (name) =>
      fc
        .constantFrom('abc', '-1', '1.5', '99999999999999999999', 'true', '[]')
        .map((bad) => params.map(([n, v]): [string, string] => [n, n === name ? bad : v])),
    ),
    fc.constant<[string, Array<[string, string]>]>([
      'unknown parameter',
      [...params, ['colour', 'red']],
    ]),
  );
}

/** Percent-encodes the UTF-8 bytes of any string (encodeURIComponent refuses lone surrogates). */
function percentEncode(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9\-_.~]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
}

function pathWith(
  operation: Operation,
  world: FuzzWorld,
  pick: (values: string[]) => string,
): string {
  return operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const known = world.ids[name] ?? [];
    return percentEncode(pick(known.length > 0 ? known : ['00000000-0000-4000-8000-000000000000']));
  });
}

/** The requests for one operation: valid ones and mutations, deterministic for a seed. */
export function requestsFor(
  doc: OpenApiDocument,
  operation: Operation,
  world: FuzzWorld,
  count: number,
  seed: number,
): FuzzRequest[] {
  const queryParams = operation.parameters.filter((p) => p.in === 'query');
  const query = fc.tuple(
    ...queryParams.map((p) =>
      (p.required
        ? validValue(doc, p.schema ?? {})
        : fc.option(validValue(doc, p.schema ?? {}), { nil: undefined })
      ).map((value): [string, unknown] => [p.name, value]),
    ),
  );
  const body = operation.body ? validValue(doc, operation.body.schema) : fc.constant(undefined);
  const plan = fc.record({
    identity: fc.constantFrom<Identity>('anonymous', 'viewer', 'admin', 'forged'),
    query,
    body,
    pathPick: fc.nat(),
    badPath: fc.integer({ min: 0, max: 9 }),
    mutation: fc.integer({ min: 0, max: 9 }),
    bodyMutationSeed: fc.nat(),
    profile: fc.boolean(),
  });
  return fc.sample(plan, { seed, numRuns: count }).map((sample, index) => {
    const params: Array<[string, string]> = sample.query
      .filter(([, value]) => value !== undefined && value !== null)
      .map(([name, value]) => [name, String(value)]);
    let mutation = 'valid';
    let search = params;
    let payload: unknown = sample.body;
    let contentType = operation.body?.mediaType;
    // Three requests in ten are mutated: the query, the body, or the content type.
    if (sample.mutation === 1 || (sample.mutation === 2 && !operation.body)) {
      [mutation, search] = fc.sample(mutateQuery(params), {
        seed: seed + index,
        numRuns: 1,
      })[0] ?? [mutation, search];
    } else if (sample.mutation === 2 && operation.body) {
      [mutation, payload] = fc.sample(mutateBody(payload), {
        seed: sample.bodyMutationSeed,
        numRuns: 1,
      })[0] ?? [mutation, payload];
    } else if (sample.mutation === 3 && (operation.body || operation.rawBody)) {
      mutation = 'wrong content type';
      contentType = 'text/plain';
    } else if (sample.mutation === 4 && operation.body) {
      mutation = 'malformed json';
    } else if (sample.mutation === 5 && operation.body) {
      mutation = 'oversized body';
    } else if (sample.mutation === 5 || sample.mutation === 6) {
      mutation = 'oversized headers';
    }
    const path =
      sample.badPath === 0
        ? operation.path.replace(/\{(\w+)\}/g, () => 'not-an-id')
        : pathWith(operation, world, (values) => values[sample.pathPick % values.length] ?? '');
    if (sample.badPath === 0) mutation = mutation === 'valid' ? 'bad path id' : mutation;
    const headers: Record<string, string> = { ...world.headers[sample.identity] };
    if (sample.profile && world.ids['profileId']?.[0])
      headers['x-profile-id'] = world.ids['profileId'][0];
    if (mutation === 'oversized headers') headers['x-padding'] = 'p'.repeat(OVERSIZED_HEADER_BYTES);
    let requestBody: string | Uint8Array | undefined;
    if (mutation === 'oversized body') {
      requestBody = JSON.stringify({ padding: 'p'.repeat(OVERSIZED_BODY_BYTES) });
      headers['content-type'] = 'application/json';
    } else if (operation.body && payload !== undefined) {
      requestBody = mutation === 'malformed json' ? '{"unterminated' : JSON.stringify(payload);
      headers['content-type'] = contentType ?? 'application/json';
    } else if (operation.rawBody) {
      requestBody = new Uint8Array(64).fill(7);
      headers['content-type'] = contentType ?? operation.rawBody[0] ?? 'application/octet-stream';
    }
    const qs = search.map(([n, v]) => `${percentEncode(n)}=${percentEncode(v)}`).join('&');
    return {
      operation: `${operation.method} ${operation.path}`,
      identity: sample.identity,
      mutation,
      method: operation.method,
      url: `${world.baseUrl}${path}${qs ? `?${qs}` : ''}`,
      headers,
      ...(requestBody !== undefined ? { body: requestBody } : {}),
    };
  });
}

/** Checks answers against the document: listed status, schema, problem+json, headers. */
export class ContractChecker {
  private readonly ajv = new Ajv({ strict: false, allErrors: false });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(doc: OpenApiDocument) {
    addFormats(this.ajv);
    this.ajv.addSchema({ components: doc.components ?? {} }, 'openapi');
  }

  private validator(schema: Schema): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) {
      const rewritten = JSON.parse(
        key.replace(/"#\/components\/schemas\//g, '"openapi#/components/schemas/'),
      ) as Schema;
      validate = this.ajv.compile(rewritten);
      this.validators.set(key, validate);
    }
    return validate;
  }

  check(
    operation: Operation,
    response: { status: number; headers: Headers; body: Uint8Array },
  ): string[] {
    const problems: string[] = [];
    const { status, headers } = response;
    if (status >= 500) problems.push(`server error ${status}`);
    const documented = operation.responses[String(status)] ?? operation.responses['default'];
    if (!documented) problems.push(`status ${status} is not in the document`);
    const type = headers.get('content-type') ?? '';
    if (operation.method === 'HEAD' && response.body.length > 0)
      problems.push('HEAD answered with a body');
    if (status >= 400 && !type.startsWith('application/problem+json'))
      problems.push(`error as ${type || 'no content type'}, not problem+json`);
    for (const header of REQUIRED_SECURITY_HEADERS) {
      if (!headers.has(header)) problems.push(`answer without ${header}`);
    }
    if (operation.method === 'HEAD' || status === 204 || status === 304 || !type.includes('json'))
      return problems;
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(response.body).toString('utf8'));
    } catch {
      problems.push('body is not JSON although its type says so');
      return problems;
    }
    const mediaTypes = documented?.content ?? {};
    const schema = (mediaTypes[type.split(';')[0] ?? ''] ?? Object.values(mediaTypes)[0])?.schema;
    if (schema) {
      const validate = this.validator(schema);
      if (!validate(body)) {
        const first = validate.errors?.[0];
        problems.push(
          `body does not match its schema: ${first?.instancePath || '/'} ${first?.message ?? ''}`,
        );
      }
    }
    return problems;
  }
}

/** Sends every request in order and returns what broke the contract. */
export async function runFuzz(
  doc: OpenApiDocument,
  world: FuzzWorld,
  options: { perOperation: number; seed: number; onProgress?: (sent: number) => void },
): Promise<{ sent: number; findings: Finding[]; operations: number }> {
  const checker = new ContractChecker(doc);
  const operations = operationsOf(doc);
  const findings: Finding[] = [];
  let sent = 0;
  for (const [index, operation] of operations.entries()) {
    const send = async (request: FuzzRequest): Promise<Response | undefined> => {
      let response: Response;
      let body: Uint8Array;
      try {
        response = await fetch(request.url, {
          method: request.method,
          headers: request.headers,
          ...(request.body !== undefined ? { body: request.body } : {}),
          redirect: 'manual',
          signal: AbortSignal.timeout(15_000),
        });
        body = new Uint8Array(await response.arrayBuffer());
      } catch (error) {
        findings.push({
          request,
          status: 0,
          problem: `no answer: ${error instanceof Error ? error.message : String(error)}`,
        });
        return undefined;
      }
      sent++;
      options.onProgress?.(sent);
      for (const problem of checker.check(operation, {
        status: response.status,
        headers: response.headers,
        body,
      })) {
        findings.push({ request, status: response.status, problem });
      }
      return response;
    };
    for (const request of requestsFor(
      doc,
      operation,
      world,
      options.perOperation,
      options.seed + index * 7919,
    )) {
      const response = await send(request);
      // A read that gave a validator is asked again with it: the conditional answer is checked too.
      const etag = response?.headers.get('etag');
      if (etag && (request.method === 'GET' || request.method === 'HEAD') && response?.ok) {
        await send({
          ...request,
          mutation: `${request.mutation}, then If-None-Match`,
          headers: { ...request.headers, 'if-none-match': etag },
        });
      }
    }
  }
  return { sent, findings, operations: operations.length };
}

/** One line per kind of finding, with an example request: what a person fixes from. */
export function summarise(findings: Finding[]): string {
  const byKind = new Map<string, Finding[]>();
  for (const finding of findings) {
    const key = `${finding.request.operation} -> ${finding.problem}`;
    byKind.set(key, [...(byKind.get(key) ?? []), finding]);
  }
  return [...byKind]
    .map(([key, list]) => {
      const example = list[0]?.request;
      const body =
        typeof example?.body === 'string'
          ? ` body ${example.body.slice(0, 160)}`
          : example?.body
            ? ' (binary body)'
            : '';
      return `${list.length} x ${key}\n    e.g. ${example?.identity} ${example?.mutation}: ${example?.method} ${example?.url.slice(0, 200)}${body}`;
    })
    .join('\n');
}
