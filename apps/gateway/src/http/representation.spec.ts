import { gunzipSync } from 'node:zlib';
import Fastify from 'fastify';
import {
  COMPRESS_THRESHOLD_BYTES,
  gzipOf,
  heldBytes,
  jsonRepresentation,
  ownBytes,
  sendRepresentation,
} from './representation';

describe('a cached representation', () => {
  const large = { items: Array.from({ length: 50 }, (_, n) => ({ id: n, name: `Title ${n}` })) };

  it('holds the JSON bytes, their validator and their gzip encoding', () => {
    const stored = jsonRepresentation(large, { personal: true });
    expect(stored.body.equals(Buffer.from(JSON.stringify(large)))).toBe(true);
    expect(stored.etag).toMatch(/^W\/"/);
    expect(stored.personal).toBe(true);
    const gzip = gzipOf(stored);
    expect(gunzipSync(gzip ?? Buffer.alloc(0)).equals(stored.body)).toBe(true);
    expect(gzipOf(stored)).toBe(gzip);
  });

  it('keeps no more memory than its bytes: no slice of a slab shared with other buffers', () => {
    const stored = jsonRepresentation(large);
    const gzip = gzipOf(stored) ?? Buffer.alloc(0);
    for (const bytes of [stored.body, gzip]) expect(bytes.buffer.byteLength).toBe(bytes.length);
    expect(heldBytes(stored)).toBe(stored.body.length + gzip.length);
    const pooled = Buffer.from('a slice of a shared slab');
    expect(pooled.buffer.byteLength).toBeGreaterThan(pooled.length);
    const own = ownBytes(pooled);
    expect(own.equals(pooled)).toBe(true);
    expect(own.buffer.byteLength).toBe(own.length);
  });

  it('counts room for its gzip until a client takes it', () => {
    const stored = jsonRepresentation(large);
    expect(heldBytes(stored)).toBe(2 * stored.body.length);
    const small = jsonRepresentation({ ok: true });
    expect(heldBytes(small)).toBe(small.body.length);
  });

  it('is not compressed under the threshold', () => {
    const small = jsonRepresentation({ ok: true });
    expect(small.body.length).toBeLessThan(COMPRESS_THRESHOLD_BYTES);
    expect(gzipOf(small)).toBeUndefined();
  });

  describe('sent', () => {
    const app = Fastify();
    const page = jsonRepresentation(large);
    const draft = jsonRepresentation({ id: 1 }, { etag: '"3"', personal: true });
    // As Nest does with a handler's result: undefined (a 304) is sent without a body.
    app.get('/page', (request, reply) =>
      reply.send(sendRepresentation(request, reply, page, { maxAgeSeconds: 10 })),
    );
    app.get('/draft', (request, reply) =>
      reply.send(sendRepresentation(request, reply, draft, { maxAgeSeconds: 10 })),
    );
    afterAll(() => app.close());

    it.each([
      ['gzip, deflate, br', 'gzip'],
      ['br;q=1, gzip;q=0.5', 'gzip'],
      ['gzip;q=0, br', undefined],
      [undefined, undefined],
    ])('with Accept-Encoding %s: %s', async (accept, encoding) => {
      const answer = await app.inject({
        url: '/page',
        headers: accept ? { 'accept-encoding': accept } : {},
      });
      expect(answer.headers['content-encoding']).toBe(encoding);
      expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(answer.headers['cache-control']).toBe('public, max-age=10');
      const body = encoding ? gunzipSync(answer.rawPayload) : answer.rawPayload;
      expect(JSON.parse(body.toString())).toEqual(large);
    });

    it('is compressed only once a client takes gzip, then kept', async () => {
      const fresh = jsonRepresentation(large);
      const plain = Fastify();
      plain.get('/', (request, reply) =>
        reply.send(sendRepresentation(request, reply, fresh, { maxAgeSeconds: 10 })),
      );
      await plain.inject({ url: '/' });
      expect(fresh.gzip).toBeUndefined();
      const answer = await plain.inject({ url: '/', headers: { 'accept-encoding': 'gzip' } });
      expect(fresh.gzip?.equals(answer.rawPayload)).toBe(true);
      await plain.close();
    });

    it('answers 304 with no body when If-None-Match names the stored validator', async () => {
      const answer = await app.inject({ url: '/page', headers: { 'if-none-match': page.etag } });
      expect(answer.statusCode).toBe(304);
      expect(answer.rawPayload.length).toBe(0);
      expect(answer.headers.etag).toBe(page.etag);
    });

    it('keeps a draft out of shared caches', async () => {
      const answer = await app.inject({ url: '/draft' });
      expect(answer.headers['cache-control']).toBe('private, no-cache');
      expect(answer.headers.etag).toBe('"3"');
    });
  });
});
