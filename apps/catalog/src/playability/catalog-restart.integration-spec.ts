import { credentials } from '@grpc/grpc-js';
import { CatalogServiceClient, MaturityRating, TOPICS } from '@kinema/contracts';
import {
  createTestDatabase,
  startKafkaBroker,
  waitFor,
  type RunningKafkaBroker,
  type TestDatabase,
} from '@kinema/dev-infra';
import { aVideoReady } from '../testing/catalog-events.builder';
import { startCatalogProcess, type CatalogProcess } from '../testing/catalog-process';
import {
  catalogRpc,
  defined,
  startTestCatalog,
  type CatalogHarness,
} from '../testing/catalog-test-harness';
import { KafkaTestClient } from '../testing/kafka-test-client';
import { aMovie } from '../testing/title-input.builder';

let broker: RunningKafkaBroker;
let database: TestDatabase;
let kafka: KafkaTestClient;
let crashing: CatalogProcess | undefined;
let restarted: CatalogHarness | undefined;

beforeAll(async () => {
  broker = await startKafkaBroker();
  database = await createTestDatabase('catalog_restart');
  kafka = new KafkaTestClient(broker.address);
}, 60_000);

afterAll(async () => {
  await crashing?.kill();
  await restarted?.close();
  await kafka?.close();
  await database?.dispose();
  await broker?.stop();
});

describe('a catalog killed while handling a VideoReady', () => {
  it('loses nothing: the restarted catalog makes the title playable', async () => {
    crashing = await startCatalogProcess(database, {
      KAFKA_BROKERS: broker.address,
      KINEMA_TEST_HOLD_CONSUMER_COMMITS: 'true',
    });
    const client = new CatalogServiceClient(
      `127.0.0.1:${crashing.grpcPort}`,
      credentials.createInsecure(),
    );
    const movie = defined((await catalogRpc(client).createTitle({ title: aMovie() })).title);
    client.close();

    await kafka.send(TOPICS.videosVideos, aVideoReady({ titleId: movie.id, durationSeconds: 42 }));
    // The handler has run and its transaction waits to commit; the offset is not committed.
    await crashing.printed('holding-commit');
    await crashing.kill();

    restarted = await startTestCatalog({ KAFKA_BROKERS: broker.address }, { database });
    const rpc = restarted.rpc;
    const everyone = {
      maxMaturity: MaturityRating.MATURITY_RATING_UNSPECIFIED,
      includeDrafts: true,
    };
    // The new member gets the partition once the dead one's session (6 s here) runs out.
    await waitFor(
      async () =>
        Boolean((await rpc.getTitle({ id: movie.id, visibility: everyone })).title?.playable),
      'the restarted catalog makes the title playable',
    );
    const title = defined((await rpc.getTitle({ id: movie.id })).title);
    expect(title).toMatchObject({
      playable: true,
      durationSeconds: 42,
      version: movie.version + 1,
    });
    const { rows } = await rpc.browse({});
    expect(rows.flatMap((row) => row.titles.map((t) => t.id))).toContain(movie.id);
  }, 120_000);
});
