/**
 * CloudEvents 1.0 in the Kafka protocol binding's binary mode: attributes travel as `ce_*`
 * headers, the value is the JSON `data`, and the key is the aggregate id (the subject).
 */
export interface EventEnvelope<Type extends string = string, Data = unknown> {
  id: string;
  type: Type;
  /** URI-reference of the producing service, e.g. `/kinema/catalog`. */
  source: string;
  /** RFC 3339 time the state change was committed. */
  time: string;
  /** The aggregate the event is about (also the Kafka key), e.g. a title id. */
  subject: string;
  data: Data;
}

export const CE_HEADERS = {
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  time: 'ce_time',
  subject: 'ce_subject',
  specversion: 'ce_specversion',
} as const;

/**
 * The CloudEvents distributed-tracing extension in binary mode: the W3C trace context of the
 * change that caused the event (the starting trace), stored with the outbox row when the change
 * commits. Kafka's own `traceparent` header carries each hop instead (the relay's send), as the
 * extension asks: consumers link their processing span to this context.
 */
export const CE_TRACING_HEADERS = {
  traceparent: 'ce_traceparent',
  tracestate: 'ce_tracestate',
} as const;

export const CONTENT_TYPE_HEADER = 'content-type';
