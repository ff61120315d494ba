import { INVALID_SPANID, INVALID_TRACEID } from '@opentelemetry/api';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';
import { randomFillSync } from 'node:crypto';

/** Random bytes drawn and hex-encoded at a time: the ids of 170 spans and their traces. */
const POOL_BYTES = 4096;

/**
 * Trace and span ids from the operating system's randomness, drawn and hex-encoded a pool at a
 * time. The SDK's RandomIdGenerator writes Math.random() into a buffer and hex-encodes it for each
 * id, two native calls for every span, sampled or not (1.3% of a cached read's CPU at the gateway
 * in a profile, docs/performance.md); and Math.random is not a cryptographic source, while W3C
 * Trace Context asks that ids be random enough that no one can guess the next. An IdGenerator is
 * the SDK's own extension point for this (the tracer provider's `idGenerator`).
 */
export class PooledIdGenerator implements IdGenerator {
  private readonly bytes = Buffer.alloc(POOL_BYTES);
  private hex = '';
  private at = 0;

  /** `fill` writes random bytes into the pool: the operating system's, but in tests. */
  constructor(private readonly fill: (bytes: Buffer) => void = randomFillSync) {}

  generateTraceId(): string {
    return this.id(32, INVALID_TRACEID);
  }

  generateSpanId(): string {
    return this.id(16, INVALID_SPANID);
  }

  /** `length` hex digits of the pool, never the all-zero id W3C Trace Context calls invalid. */
  private id(length: number, invalid: string): string {
    let id: string;
    do {
      if (this.at + length > this.hex.length) this.refill();
      id = this.hex.slice(this.at, (this.at += length));
    } while (id === invalid);
    return id;
  }

  private refill(): void {
    this.fill(this.bytes);
    this.hex = this.bytes.toString('hex');
    this.at = 0;
  }
}
