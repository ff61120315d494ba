import { RunningKafkaBroker, startKafkaBroker } from './index';
import { ProtocolReader } from './protocol-reader.codec';
import { ProtocolWriter } from './protocol-writer.codec';
import { openRawConnection, RawConnection } from './testing/kafka-test.helpers';

const API_VERSIONS = 18;
const METADATA = 3;
const UNSUPPORTED_VERSION = 35;

/** Request header v2 = header v1 + an empty tagged-field section; the body follows. */
function flexibleBody(body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0]), body]);
}

describe('kafka broker: flexible versions (KIP-482) on the wire', () => {
  let broker: RunningKafkaBroker;
  let raw: RawConnection;
  const warnings: string[] = [];

  beforeAll(async () => {
    broker = await startKafkaBroker({
      logger: { info: () => undefined, warn: (msg) => warnings.push(msg) },
    });
    raw = await openRawConnection(broker.port);
  });

  afterAll(async () => {
    raw.destroy();
    await broker.stop();
  });

  it('answers ApiVersions v3 (flexible request) with a v0 response header and compact arrays', async () => {
    const body = new ProtocolWriter()
      .compactNullableString('conformance')
      .compactNullableString('1.0')
      .uvarint(0)
      .toBuffer();
    raw.request(API_VERSIONS, 3, 21, flexibleBody(body));
    const response = await raw.nextResponse();
    expect(response.correlationId).toBe(21);
    // Header v0: the body starts right after the correlation id, with no tag byte in between.
    const reader = new ProtocolReader(response.body);
    expect(reader.int16()).toBe(0);
    const count = reader.compactArrayLength() ?? 0;
    const ranges = Array.from({ length: count }, () => {
      const range = { apiKey: reader.int16(), min: reader.int16(), max: reader.int16() };
      reader.skipTaggedFields();
      return range;
    });
    expect(ranges).toContainEqual({ apiKey: API_VERSIONS, min: 0, max: 4 });
    expect(ranges).toContainEqual({ apiKey: METADATA, min: 0, max: 12 });
    expect(reader.int32()).toBe(0);
    reader.skipTaggedFields();
    expect(reader.remaining).toBe(0);
  });

  it('answers a too-new ApiVersions with UNSUPPORTED_VERSION in the v0 layout, and logs the refusal', async () => {
    raw.request(API_VERSIONS, 9, 22, flexibleBody(Buffer.alloc(0)));
    const response = await raw.nextResponse();
    const reader = new ProtocolReader(response.body);
    expect(reader.int16()).toBe(UNSUPPORTED_VERSION);
    const ranges = reader.array((r) => ({ apiKey: r.int16(), min: r.int16(), max: r.int16() }));
    expect(ranges).toContainEqual({ apiKey: API_VERSIONS, min: 0, max: 4 });
    expect(warnings.join('\n')).toMatch(/refused ApiVersions \(api key 18\) v9/);
  });

  it('answers a flexible Metadata (v12) with a v1 response header and compact fields', async () => {
    // topics: null (all), allowAutoTopicCreation, includeTopicAuthorizedOperations, tags.
    const body = new ProtocolWriter()
      .uvarint(0)
      .boolean(false)
      .boolean(false)
      .uvarint(0)
      .toBuffer();
    raw.request(METADATA, 12, 23, flexibleBody(body));
    const response = await raw.nextResponse();
    const reader = new ProtocolReader(response.body);
    reader.skipTaggedFields(); // response header v1
    expect(reader.int32()).toBe(0); // throttle
    expect(reader.compactArrayLength()).toBe(1);
    expect(reader.int32()).toBe(1);
    expect(reader.compactNullableString()).toBe('127.0.0.1');
    expect(reader.int32()).toBe(broker.port);
  });
});
