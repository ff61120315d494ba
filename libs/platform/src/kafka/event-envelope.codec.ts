import { CE_HEADERS, CONTENT_TYPE_HEADER, type EventEnvelope } from '@kinema/contracts/events';
import type { IHeaders, Message } from 'kafkajs';

/** A CloudEvent as a Kafka message (binary mode): ce_* headers, JSON data value, subject as key. */
export function toKafkaMessage(
  event: EventEnvelope,
  extraHeaders: Record<string, string> = {},
): Message {
  return {
    key: event.subject,
    value: JSON.stringify(event.data),
    headers: {
      ...extraHeaders,
      [CE_HEADERS.specversion]: '1.0',
      [CE_HEADERS.id]: event.id,
      [CE_HEADERS.type]: event.type,
      [CE_HEADERS.source]: event.source,
      [CE_HEADERS.time]: event.time,
      [CE_HEADERS.subject]: event.subject,
      [CONTENT_TYPE_HEADER]: 'application/json',
    },
  };
}

export class MalformedEventError extends Error {
  constructor(reason: string) {
    super(`malformed event: ${reason}`);
    this.name = 'MalformedEventError';
  }
}

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

/** Reads a CloudEvent back from a Kafka message; throws MalformedEventError when it is not one. */
export function fromKafkaMessage(message: {
  headers?: IHeaders;
  value: Buffer | null;
}): EventEnvelope {
  const id = header(message.headers, CE_HEADERS.id);
  const type = header(message.headers, CE_HEADERS.type);
  const source = header(message.headers, CE_HEADERS.source);
  const time = header(message.headers, CE_HEADERS.time);
  const subject = header(message.headers, CE_HEADERS.subject) ?? '';
  if (!id || !type || !source || !time)
    throw new MalformedEventError('missing ce_id, ce_type, ce_source or ce_time header');
  if (!message.value) throw new MalformedEventError('empty value');
  let data: unknown;
  try {
    data = JSON.parse(message.value.toString('utf8'));
  } catch {
    throw new MalformedEventError('value is not JSON');
  }
  return { id, type, source, time, subject, data };
}
