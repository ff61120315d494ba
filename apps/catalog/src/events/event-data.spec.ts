import { parseConfig } from '@kinema/platform';
import { configSchema } from '../config';
import { consumerTimeouts } from './event-data';

describe('consumerTimeouts', () => {
  it('heartbeats ten times per session timeout, at most every 3 s', () => {
    const timeouts = (value: string) =>
      consumerTimeouts(parseConfig(configSchema, { KAFKA_CONSUMER_SESSION_TIMEOUT_MS: value }));
    expect(timeouts('6000')).toEqual({ sessionTimeoutMs: 6_000, heartbeatIntervalMs: 600 });
    expect(timeouts('')).toEqual({ sessionTimeoutMs: 30_000, heartbeatIntervalMs: 3_000 });
    expect(timeouts('120000')).toEqual({ sessionTimeoutMs: 120_000, heartbeatIntervalMs: 3_000 });
  });
});
