import { once } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { DatabaseModule } from './database.module';

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
