import 'reflect-metadata';
import { loadConfigOrExit } from '@kinema/platform';
import { DataSource, type EntitySubscriberInterface } from 'typeorm';
import { startCatalog } from '../catalog.bootstrap';
import { configSchema } from '../config';

// A catalog process for tests that kill it. With KINEMA_TEST_HOLD_CONSUMER_COMMITS=true, a
// consumer's transaction (the one recording an event in processed_events) never commits: the
// process prints `holding-commit` and waits there, the moment a crash hurts the most.

const MARK = 'kinemaTestConsumerTransaction';

function holdConsumerCommits(dataSource: DataSource): void {
  const subscriber: EntitySubscriberInterface = {
    beforeQuery(event) {
      if (/INSERT INTO processed_events/i.test(event.query)) {
        event.queryRunner.data = { ...event.queryRunner.data, [MARK]: true };
      }
    },
    beforeTransactionCommit(event) {
      const data = event.queryRunner.data as Record<string, unknown> | undefined;
      if (!data?.[MARK]) return undefined;
      process.stdout.write('holding-commit\n');
      return new Promise<void>(() => undefined);
    },
  };
  dataSource.subscribers.push(subscriber);
}

async function main(): Promise<void> {
  const config = loadConfigOrExit('catalog', configSchema);
  const running = await startCatalog(config);
  if (process.env['KINEMA_TEST_HOLD_CONSUMER_COMMITS'] === 'true') {
    holdConsumerCommits(running.app.get(DataSource));
  }
  process.stdout.write(`catalog-ready ${running.grpcPort}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`test catalog failed: ${String(error)}\n`);
  process.exit(1);
});
