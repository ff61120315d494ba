import { ContractChecker, operationsOf, requestsFor, type OpenApiDocument } from './openapi-fuzz';

const PROBLEM = { 'application/problem+json': { schema: { type: 'object' } } };
const doc: OpenApiDocument = {
  paths: {
    '/items/{id}': {
      get: {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': {
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } },
          },
          '404': { content: PROBLEM },
        },
      },
      put: {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Item' } } },
        },
        responses: { '204': {}, '400': { content: PROBLEM } },
      },
    },
  },
  components: {
    schemas: {
      Item: {
        type: 'object',
        required: ['count', 'rating'],
        properties: {
          count: { type: 'integer', minimum: 0, maximum: 10 },
          rating: { type: 'string', enum: ['all', 'adult', null], nullable: true },
        },
      },
    },
  },
};
const operations = operationsOf(doc);
const [get, put] = [0, 1].map((index) => {
  const operation = operations[index];
  if (!operation) throw new Error(`the document describes ${operations.length} operations`);
  return operation;
}) as [(typeof operations)[number], (typeof operations)[number]];
const SECURE = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'",
};

function answer(
  status: number,
  body: unknown,
  type = 'application/json',
  extra: Record<string, string> = SECURE,
) {
  return {
    status,
    headers: new Headers({ 'content-type': type, ...extra }),
    body: new TextEncoder().encode(body === undefined ? '' : JSON.stringify(body)),
  };
}

describe('the contract checker', () => {
  const checker = new ContractChecker(doc);
  const check = (...args: Parameters<typeof answer>) => checker.check(get, answer(...args));

  it('passes an answer the document describes, null included where the enum lists it', () => {
    expect(check(200, { count: 3, rating: null })).toEqual([]);
    expect(check(404, { status: 404 }, 'application/problem+json')).toEqual([]);
  });

  it('reports server errors, undocumented statuses and bodies off their schema', () => {
    expect(check(500, {}, 'application/problem+json')).toEqual(
      expect.arrayContaining(['server error 500', 'status 500 is not in the document']),
    );
    expect(check(401, {}, 'application/problem+json')).toEqual([
      'status 401 is not in the document',
    ]);
    expect(check(200, { count: 1.5, rating: 'all' })).toEqual([
      'body does not match its schema: /count must be integer',
    ]);
    expect(check(200, { count: 1, rating: 'teen' })[0]).toMatch(/^body does not match/);
  });

  it('reports errors outside problem+json and answers without the security headers', () => {
    expect(check(404, { message: 'no' })).toEqual(['error as application/json, not problem+json']);
    expect(check(200, { count: 1, rating: 'all' }, 'application/json', {})).toEqual([
      'answer without x-content-type-options',
      'answer without content-security-policy',
    ]);
  });
});

describe('the request generator', () => {
  const world = {
    baseUrl: 'http://127.0.0.1:1',
    headers: { anonymous: {}, viewer: {}, admin: {}, forged: {} },
    ids: { id: ['5b4c6f8e-2d7a-4a51-9a0e-3c1b2d4e5f60'] },
  };

  it('is deterministic for a seed and mixes valid requests with every kind of mutation', () => {
    const requests = requestsFor(doc, put, world, 300, 7);
    expect(requestsFor(doc, put, world, 300, 7)).toEqual(requests);
    const kinds = new Set(requests.map((r) => r.mutation.split(':')[0]));
    for (const kind of [
      'valid',
      'wrong content type',
      'malformed json',
      'oversized body',
      'bad path id',
    ])
      expect(kinds).toContain(kind);
    const valid = requests.filter((r) => r.mutation === 'valid');
    expect(valid.length).toBeGreaterThan(50);
    for (const request of valid) {
      const body = JSON.parse(String(request.body)) as { count: number };
      expect(Number.isInteger(body.count) && body.count >= 0 && body.count <= 10).toBe(true);
    }
  });
});
