import { ApiKey, ConnectionScope } from './api-handler.types';
import { dispatchRequest, SUPPORTED_APIS } from './api-registry';
import { BrokerIdentity } from './broker-identity.store';
import { BrokerContext, type BrokerLogger } from './broker.context';
import { ErrorCode } from './error-codes.constants';
import { GroupCoordinator } from './group-coordinator.service';
import { OffsetStore } from './offset.store';
import { ProtocolReader } from './protocol-reader.codec';
import { TopicStore } from './topic.store';
import { TRANSACTIONS_REFUSAL } from './transactions-refusal';
import { kafkajsDecodeResponse, kafkajsRequestBody } from './testing/kafkajs-oracle.helpers';

const silent = { info: () => undefined, warn: () => undefined };
const noConnection: ConnectionScope = {
  clientHost: '/127.0.0.1',
  sasl: { mechanism: null, exchange: null, authenticatedAs: null },
  closeAfterResponse: () => undefined,
  onClose: () => () => undefined,
};

function memoryBroker(autoCreateTopics = true, logger: BrokerLogger = silent): BrokerContext {
  const settings = {
    nodeId: 1,
    host: '127.0.0.1',
    port: 9092,
    autoCreateTopics,
    defaultPartitions: 6,
  };
  return new BrokerContext(
    settings,
    new TopicStore(null),
    new GroupCoordinator(new OffsetStore(null)),
    new BrokerIdentity(null),
    logger,
  );
}

/** Sends a kafkajs-encoded request straight to the dispatcher and decodes the answer with kafkajs. */
async function roundTrip<T>(
  broker: BrokerContext,
  api: string,
  apiKey: number,
  version: number,
  params: object,
): Promise<T> {
  const body = await kafkajsRequestBody(api, version, params);
  const header = { apiKey, apiVersion: version, correlationId: 1, clientId: 'spec' };
  const response = await dispatchRequest({
    header,
    body: new ProtocolReader(body),
    broker,
    connection: noConnection,
  });
  if (response === null) throw new Error('no response');
  return kafkajsDecodeResponse<T>(api, version, response);
}

interface MetadataResponse {
  brokers: { nodeId: number; host: string; port: number }[];
  controllerId: number;
  topicMetadata: {
    topicErrorCode: number;
    topic: string;
    partitionMetadata: { partitionId: number; leader: number }[];
  }[];
}

describe('request handlers, checked against kafkajs encoders and decoders', () => {
  it('advertises every supported API in ApiVersions v2', async () => {
    const response = await roundTrip<{
      errorCode: number;
      apiVersions: { apiKey: number; maxVersion: number }[];
    }>(memoryBroker(), 'apiVersions', ApiKey.ApiVersions, 2, {});
    expect(response.errorCode).toBe(0);
    expect(response.apiVersions.map((v) => v.apiKey)).toEqual(SUPPORTED_APIS.map((v) => v.apiKey));
    expect(response.apiVersions).toContainEqual(
      expect.objectContaining({ apiKey: ApiKey.Fetch, maxVersion: 12 }),
    );
  });

  it('auto-creates a topic on Metadata and advertises itself as leader and controller', async () => {
    const response = await roundTrip<MetadataResponse>(
      memoryBroker(),
      'metadata',
      ApiKey.Metadata,
      6,
      {
        topics: ['fresh'],
        allowAutoTopicCreation: true,
      },
    );
    expect(response.brokers).toEqual([
      expect.objectContaining({ nodeId: 1, host: '127.0.0.1', port: 9092 }),
    ]);
    expect(response.controllerId).toBe(1);
    expect(response.topicMetadata[0]).toMatchObject({ topicErrorCode: 0, topic: 'fresh' });
    expect(response.topicMetadata[0].partitionMetadata).toHaveLength(6);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION when auto-creation is off', async () => {
    const response = await roundTrip<MetadataResponse>(
      memoryBroker(false),
      'metadata',
      ApiKey.Metadata,
      6,
      {
        topics: ['missing'],
        allowAutoTopicCreation: true,
      },
    );
    expect(response.topicMetadata[0].topicErrorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('uses the broker default for CreateTopics sent with -1 and refuses a second creation', async () => {
    const broker = memoryBroker();
    const params = {
      topics: [{ topic: 'made', numPartitions: -1, replicationFactor: -1 }],
      timeout: 1000,
    };
    const created = await roundTrip<{ topicErrors: { errorCode: number }[] }>(
      broker,
      'createTopics',
      ApiKey.CreateTopics,
      3,
      params,
    );
    expect(created.topicErrors[0].errorCode).toBe(0);
    expect(broker.topics.get('made')?.partitions).toHaveLength(6);
    const again = await roundTrip<{ topicErrors: { errorCode: number }[] }>(
      broker,
      'createTopics',
      ApiKey.CreateTopics,
      3,
      params,
    );
    expect(again.topicErrors[0].errorCode).toBe(ErrorCode.TOPIC_ALREADY_EXISTS);
  });

  it('stores produced records and serves them back through Fetch and ListOffsets', async () => {
    const broker = memoryBroker();
    broker.createTopic('t', 2);
    const messages = [
      { key: 'k1', value: 'v1', headers: { h: 'one' } },
      { key: 'k2', value: 'v2' },
    ];
    const produced = await roundTrip<{
      topics: { partitions: { errorCode: number; baseOffset: string }[] }[];
    }>(broker, 'produce', ApiKey.Produce, 7, {
      acks: -1,
      timeout: 1000,
      topicData: [{ topic: 't', partitions: [{ partition: 1, firstSequence: 0, messages }] }],
    });
    expect(produced.topics[0].partitions[0]).toMatchObject({ errorCode: 0, baseOffset: '0' });

    const fetched = await roundTrip<{
      responses: {
        partitions: {
          errorCode: number;
          highWatermark: string;
          messages: { key: Buffer; value: Buffer; headers: Record<string, Buffer> }[];
        }[];
      }[];
    }>(broker, 'fetch', ApiKey.Fetch, 11, {
      maxWaitTime: 0,
      minBytes: 1,
      maxBytes: 1024 * 1024,
      topics: [
        { topic: 't', partitions: [{ partition: 1, fetchOffset: '0', maxBytes: 1024 * 1024 }] },
      ],
    });
    const partition = fetched.responses[0].partitions[0];
    expect(partition).toMatchObject({ errorCode: 0, highWatermark: '2' });
    expect(partition.messages.map((m) => m.value.toString())).toEqual(['v1', 'v2']);
    expect(partition.messages[0].headers.h.toString()).toBe('one');

    const offsets = await roundTrip<{ responses: { partitions: { offset: string }[] }[] }>(
      broker,
      'listOffsets',
      ApiKey.ListOffsets,
      3,
      {
        replicaId: -1,
        isolationLevel: 1,
        topics: [
          {
            topic: 't',
            partitions: [
              { partition: 1, timestamp: -1 },
              { partition: 1, timestamp: -2 },
            ],
          },
        ],
      },
    );
    expect(offsets.responses[0].partitions.map((p) => p.offset)).toEqual(['2', '0']);
  });

  it('answers Fetch beyond the high watermark with OFFSET_OUT_OF_RANGE', async () => {
    const broker = memoryBroker();
    broker.createTopic('t', 1);
    const fetched = await roundTrip<{ responses: { partitions: { errorCode: number }[] }[] }>(
      broker,
      'fetch',
      ApiKey.Fetch,
      11,
      {
        maxWaitTime: 5000,
        minBytes: 1,
        maxBytes: 1024,
        topics: [{ topic: 't', partitions: [{ partition: 0, fetchOffset: '5', maxBytes: 1024 }] }],
      },
    );
    expect(fetched.responses[0].partitions[0].errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
  });

  it('gives no answer to Produce with acks=0', async () => {
    const broker = memoryBroker();
    broker.createTopic('t', 1);
    const body = await kafkajsRequestBody('produce', 7, {
      acks: 0,
      timeout: 1000,
      topicData: [
        {
          topic: 't',
          partitions: [{ partition: 0, firstSequence: 0, messages: [{ value: 'x' }] }],
        },
      ],
    });
    const header = { apiKey: ApiKey.Produce, apiVersion: 7, correlationId: 1, clientId: 'spec' };
    await expect(
      dispatchRequest({ header, body: new ProtocolReader(body), broker, connection: noConnection }),
    ).resolves.toBeNull();
    expect(broker.topics.get('t')?.partitions[0].highWatermark).toBe(1);
  });

  it('refuses every transactional request with the fatal TRANSACTIONAL_ID_AUTHORIZATION_FAILED, logging why', async () => {
    const warnings: string[] = [];
    const broker = memoryBroker(true, {
      info: () => undefined,
      warn: (message) => warnings.push(message),
    });
    broker.createTopic('t', 1);
    const coordinator = await roundTrip<{ errorCode: number; errorMessage: string }>(
      broker,
      'findCoordinator',
      ApiKey.FindCoordinator,
      2,
      { groupId: 'txn-1', coordinatorType: 1 },
    );
    expect(coordinator).toMatchObject({
      errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
      errorMessage: TRANSACTIONS_REFUSAL.message,
    });
    const producerId = await roundTrip<{ errorCode: number }>(
      broker,
      'initProducerId',
      ApiKey.InitProducerId,
      1,
      { transactionalId: 'txn-1', transactionTimeout: 5000 },
    );
    expect(producerId.errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    const produced = await roundTrip<{ topics: { partitions: { errorCode: number }[] }[] }>(
      broker,
      'produce',
      ApiKey.Produce,
      7,
      {
        transactionalId: 'txn-1',
        acks: -1,
        timeout: 1000,
        topicData: [
          {
            topic: 't',
            partitions: [{ partition: 0, firstSequence: 0, messages: [{ value: 'x' }] }],
          },
        ],
      },
    );
    expect(produced.topics[0].partitions[0].errorCode).toBe(
      ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
    );
    expect(broker.topics.get('t')?.partitions[0].highWatermark).toBe(0);
    expect(warnings).toEqual(
      ['FindCoordinator', 'InitProducerId', 'Produce'].map(
        (api) =>
          `refused ${api} for transactional id txn-1 from client spec: ${TRANSACTIONS_REFUSAL.message}`,
      ),
    );
  });

  it('answers an unsupported version with UNSUPPORTED_VERSION', async () => {
    const header = { apiKey: ApiKey.Metadata, apiVersion: 13, correlationId: 1, clientId: 'spec' };
    const body = await dispatchRequest({
      header,
      body: new ProtocolReader(Buffer.alloc(0)),
      broker: memoryBroker(),
      connection: noConnection,
    });
    expect(body?.readInt16BE(0)).toBe(ErrorCode.UNSUPPORTED_VERSION);
  });
});
