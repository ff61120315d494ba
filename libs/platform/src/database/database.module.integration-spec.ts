import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { createTestDatabase, type TestDatabase } from '@kinema/dev-infra';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { isCallerGone } from '../errors/grpc-error-codec';
import { runWithRequestId } from '../logging/request-context';
import { DatabaseModule, guardAbandonedQueries } from './database.module';

/** A port where PostgreSQL is not up yet: each connection is counted, then dropped at once. */
async function notUpYet() {
  let attempts = 0;
  const server = createServer((socket: Socket) => {
    attempts += 1;
    socket.destroy();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    attempts: () => attempts,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

describe('DatabaseModule start-up', () => {
  // The chart sets DATABASE_CONNECT_RETRY_MS within the startup probe's window, so a first
  // install whose PostgreSQL is still initialising waits instead of crash-looping; the count of
  // tries is what holds that promise.
  it.each([
    [0, 1],
    [4_000, 3],
  ])(
    'with connectRetryMs %i it makes %i tries at the first connection, 2 s apart, before start-up fails',
    async (connectRetryMs, tries) => {
      const database = await notUpYet();
      try {
        const starting = NestFactory.createApplicationContext(
          DatabaseModule.forRoot({
            url: `postgres://kinema:kinema@127.0.0.1:${database.port}/kinema`,
            poolMax: 1,
            connectRetryMs,
            migrations: [],
            migrationsRun: false,
            migrationLockKey: 1,
          }),
          { logger: false, abortOnError: false },
        );
        await expect(starting).rejects.toThrow();
        expect(database.attempts()).toBe(tries);
      } finally {
        await database.close();
      }
    },
    30_000,
  );
});

describe('work whose caller has gone', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('caller-gone');
    dataSource = new DataSource({ type: 'postgres', url: database.url, extra: { max: 1 } });
    await dataSource.initialize();
    guardAbandonedQueries(dataSource);
    await dataSource.query('CREATE TABLE written (n int)');
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.dispose();
  });

  it('is not started once its caller goes while it waits for the connection; the rest runs', async () => {
    const caller = new AbortController();
    // The one connection is busy; the caller's insert waits for it, then the caller goes.
    const busy = dataSource.query('SELECT pg_sleep(0.3)');
    const queued = runWithRequestId(
      'gone',
      () => dataSource.query('INSERT INTO written VALUES (1)'),
      caller.signal,
    );
    const stays = runWithRequestId(
      'stays',
      () => dataSource.query('INSERT INTO written VALUES (2)'),
      new AbortController().signal,
    );
    caller.abort();
    await busy;
    const refused = await queued.then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isCallerGone(refused)).toBe(true);
    await stays;
    // Outside any call (the relay, migrations): never refused.
    await dataSource.query('INSERT INTO written VALUES (3)');
    expect(await dataSource.query('SELECT n FROM written ORDER BY n')).toEqual([
      { n: 2 },
      { n: 3 },
    ]);
    // Asked for after its caller went: refused before it asks for a connection.
    await expect(
      runWithRequestId('late', () => dataSource.query('SELECT 1'), caller.signal),
    ).rejects.toThrow('The caller went away');
  });
});
