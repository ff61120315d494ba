import type { FastifyReply, FastifyRequest } from 'fastify';
import { cacheableRead, expectedVersionFrom, versionEtag, weakEtagOf } from './cache-headers';

function fakeReply() {
  const headers: Record<string, string> = {};
  let status = 200;
  const reply = {
    header: (name: string, value: string) => ((headers[name] = value), reply),
    status: (code: number) => ((status = code), reply),
  };
  return { reply: reply as unknown as FastifyReply, headers, status: () => status };
}

const requestWith = (ifNoneMatch?: string) =>
  ({ headers: { 'if-none-match': ifNoneMatch } }) as unknown as FastifyRequest;

describe('cacheableRead', () => {
  it('sets a weak ETag and Cache-Control and returns the body', () => {
    const { reply, headers, status } = fakeReply();
    const body = { items: [1, 2] };
    expect(cacheableRead(requestWith(), reply, body, { maxAgeSeconds: 10 })).toBe(body);
    expect(headers['etag']).toBe(weakEtagOf(body));
    expect(headers['cache-control']).toBe('public, max-age=10');
    expect(status()).toBe(200);
  });

  it('answers 304 with no body when If-None-Match lists the current ETag', () => {
    const { reply, status } = fakeReply();
    const body = { items: [1] };
    const etag = weakEtagOf(body);
    expect(
      cacheableRead(requestWith(`"other", ${etag}`), reply, body, { maxAgeSeconds: 10 }),
    ).toBeUndefined();
    expect(status()).toBe(304);
  });

  it('compares weakly: a strong version ETag matches its weak form', () => {
    const { reply, status } = fakeReply();
    cacheableRead(requestWith('W/"7"'), reply, {}, { etag: versionEtag(7), maxAgeSeconds: 10 });
    expect(status()).toBe(304);
  });

  it('gives a different ETag when the representation changes', () => {
    expect(weakEtagOf({ a: 1 })).not.toBe(weakEtagOf({ a: 2 }));
  });
});

describe('expectedVersionFrom', () => {
  it.each([
    [undefined, undefined],
    ['"3"', 3],
    [' "12" ', 12],
    ['W/"3"', null],
    ['"abc"', null],
    ['3', null],
  ])('reads If-Match %p as %p', (header, expected) => {
    expect(expectedVersionFrom(header)).toBe(expected);
  });
});
