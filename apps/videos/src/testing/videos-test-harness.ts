import { credentials } from '@grpc/grpc-js';
import {
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  GetPlayableVideoRequest,
  GetVideoRequest,
  PresignPlaybackRequest,
  VideosServiceClient,
} from '@kinema/contracts';
import {
  createTestDatabase,
  startS3Server,
  type RunningS3Server,
  type S3RequestRecord,
  type TestDatabase,
} from '@kinema/dev-infra';
import { parseConfig, type RunningGrpcService } from '@kinema/platform';
import { serviceTestEnv, testCaller } from '@kinema/platform/testing';
import { DataSource } from 'typeorm';
import { configSchema, type VideosConfig } from '../config';
import { startVideos } from '../videos.bootstrap';

export const TEST_BUCKET = 'kinema-videos';

/** Promise-returning unary calls of the generated client, taking partial requests. */
export function videosRpc(client: VideosServiceClient) {
  const call = testCaller(client);
  return {
    getVideo: (r: Partial<GetVideoRequest>) =>
      call(client.getVideo, GetVideoRequest.fromPartial(r)),
    getPlayableVideo: (r: Partial<GetPlayableVideoRequest>) =>
      call(client.getPlayableVideo, GetPlayableVideoRequest.fromPartial(r)),
    presignPlayback: (r: Partial<PresignPlaybackRequest>) =>
      call(client.presignPlayback, PresignPlaybackRequest.fromPartial(r)),
  };
}

export type VideosRpc = ReturnType<typeof videosRpc>;

export interface VideosHarness {
  rpc: VideosRpc;
  client: VideosServiceClient;
  running: RunningGrpcService;
  database: TestDatabase;
  s3Server: RunningS3Server;
  /** A client of the same bucket, to look behind the service's back. */
  s3: S3Client;
  config: VideosConfig;
  /** Runs SQL against the service's database (through its own pool: PGlite takes one connection). */
  sql<Row>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Every request the S3 server has received, oldest first. */
  s3Requests: S3RequestRecord[];
  /** Keys of every object in the bucket. */
  objectKeys(): Promise<string[]>;
  /** Keys of every multipart upload still open in the bucket. */
  openUploads(): Promise<string[]>;
  /** How many parts the open multipart upload of a key holds (0 when none is open). */
  storedParts(key: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * A real videos service (gRPC + ops on free ports) on a fresh test database and a fresh embedded
 * S3 server, and a client for it. Kafka points at a closed port: events wait in the outbox.
 */
export async function startTestVideos(
  env: Record<string, string> | ((s3Endpoint: string) => Record<string, string>) = {},
  /** Where the S3 server keeps its data (kept after close), so a test can restart it on it. */
  s3DataDir?: string,
): Promise<VideosHarness> {
  const s3Requests: S3RequestRecord[] = [];
  const s3Server = await startS3Server({
    buckets: [TEST_BUCKET],
    dataDir: s3DataDir,
    onRequest: (request) => s3Requests.push(request),
  });
  const database = await createTestDatabase('videos');
  const config: VideosConfig = parseConfig(configSchema, {
    ...serviceTestEnv(database),
    // Kafka is unreachable on purpose, and kafkajs reports every failed connect as an error.
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'fatal',
    S3_ENDPOINT: s3Server.endpoint,
    S3_BUCKET: TEST_BUCKET,
    ...(typeof env === 'function' ? env(s3Server.endpoint) : env),
  });
  let running: RunningGrpcService;
  try {
    running = await startVideos(config);
  } catch (error) {
    await database.dispose();
    await s3Server.stop();
    throw error;
  }
  const client = new VideosServiceClient(
    `127.0.0.1:${running.grpcPort}`,
    credentials.createInsecure(),
  );
  const s3 = new S3Client({
    endpoint: s3Server.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const dataSource = running.app.get(DataSource);
  return {
    rpc: videosRpc(client),
    client,
    running,
    database,
    s3Server,
    s3,
    s3Requests,
    config,
    sql: <Row>(text: string, params: unknown[] = []) => dataSource.query<Row[]>(text, params),
    objectKeys: async () => {
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: TEST_BUCKET }));
      return (listed.Contents ?? []).map((object) => object.Key ?? '');
    },
    openUploads: async () => {
      const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: TEST_BUCKET }));
      return (listed.Uploads ?? []).map((upload) => upload.Key ?? '');
    },
    storedParts: async (key) => {
      const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: TEST_BUCKET }));
      const open = (listed.Uploads ?? []).find((upload) => upload.Key === key);
      if (!open) return 0;
      const parts = await s3.send(
        new ListPartsCommand({ Bucket: TEST_BUCKET, Key: key, UploadId: open.UploadId }),
      );
      return parts.Parts?.length ?? 0;
    },
    close: async () => {
      client.close();
      s3.destroy();
      running.drain();
      await running.app.close();
      await database.dispose();
      await s3Server.stop();
    },
  };
}
