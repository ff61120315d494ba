/** A request body that is not a valid OTLP trace export: answered 400 with this message. */
export class OtlpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpDecodeError';
  }
}

/**
 * How deep attribute values may nest (arrays and maps within each other). Real instrumentation
 * stays within two or three; the limit keeps a hostile body from exhausting the stack.
 */
export const MAX_VALUE_DEPTH = 16;
