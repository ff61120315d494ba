import { INVALID_SPANID, INVALID_TRACEID, isValidSpanId, isValidTraceId } from '@opentelemetry/api';
import { PooledIdGenerator } from './pooled-id-generator';

describe('PooledIdGenerator', () => {
  it('gives valid, distinct trace and span ids, across many pools', () => {
    const ids = new PooledIdGenerator();
    const traceIds = new Set<string>();
    const spanIds = new Set<string>();
    for (let i = 0; i < 2000; i += 1) {
      const traceId = ids.generateTraceId();
      const spanId = ids.generateSpanId();
      expect(isValidTraceId(traceId)).toBe(true);
      expect(isValidSpanId(spanId)).toBe(true);
      traceIds.add(traceId);
      spanIds.add(spanId);
    }
    expect(traceIds.size).toBe(2000);
    expect(spanIds.size).toBe(2000);
  });

  it('never gives the all-zero ids W3C Trace Context calls invalid', () => {
    // A source whose first pool is all zeros, then counts up: the zeros are skipped, not given.
    let fills = 0;
    const ids = new PooledIdGenerator((bytes) => {
      fills += 1;
      bytes.fill(fills === 1 ? 0 : fills);
    });
    const traceId = ids.generateTraceId();
    const spanId = ids.generateSpanId();
    expect(traceId).not.toBe(INVALID_TRACEID);
    expect(spanId).not.toBe(INVALID_SPANID);
    expect(traceId).toBe('02'.repeat(16));
    expect(spanId).toBe('02'.repeat(8));
  });
});
