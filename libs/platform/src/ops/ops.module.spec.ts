import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DATABASE_PING } from './health-check';
import { Lifecycle } from './lifecycle';
import { OpsModule, type OpsOptions } from './ops.module';
import { ReadinessDetails } from './readiness-details';

async function start(options: OpsOptions, ping?: () => Promise<unknown>) {
  @Module({
    providers: ping ? [{ provide: DATABASE_PING, useValue: ping }] : [],
  })
  class Database {}
  @Module({ imports: [OpsModule.forRoot(options), Database] })
  class App {}
  return init(App);
}

async function init(module: new () => object): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), {
    logger: false,
    abortOnError: false,
  });
  await app.init();
  return app;
}

async function get(app: NestFastifyApplication, path: string) {
  const response = await app.getHttpAdapter().getInstance().inject({ url: path });
  return { status: response.statusCode, body: response.json<Record<string, unknown>>() };
}

describe('OpsModule probes', () => {
  it('answers /healthz ok and /readyz 503 until the process is ready, then 200 with its details', async () => {
    const app = await start({ database: false, metrics: false });
    try {
      expect(await get(app, '/healthz')).toEqual({
        status: 200,
        body: { status: 'ok', info: {}, error: {}, details: {} },
      });
      app.get(ReadinessDetails).register('events', () => ({ feed: 'joined' }));
      const starting = await get(app, '/readyz');
      expect(starting.status).toBe(503);
      expect(starting.body['status']).toBe('error');
      expect(starting.body['error']).toEqual({
        lifecycle: {
          status: 'down',
          reason: 'starting or shutting down',
          events: { feed: 'joined' },
        },
      });
      app.get(Lifecycle).setReady(true);
      expect(await get(app, '/readyz')).toEqual({
        status: 200,
        body: {
          status: 'ok',
          info: { lifecycle: { status: 'up', events: { feed: 'joined' } } },
          error: {},
          details: { lifecycle: { status: 'up', events: { feed: 'joined' } } },
        },
      });
    } finally {
      await app.close();
    }
  });

  it('is not ready while the database does not answer', async () => {
    const app = await start({ database: true, metrics: false }, () =>
      Promise.reject(new Error('connection refused')),
    );
    try {
      app.get(Lifecycle).setReady(true);
      const answer = await get(app, '/readyz');
      expect(answer.status).toBe(503);
      expect(answer.body['error']).toEqual({
        database: { status: 'down', message: 'connection refused' },
      });
      expect(answer.body['info']).toEqual({ lifecycle: { status: 'up' } });
    } finally {
      await app.close();
    }
  });

  it('loads no database package when the process has no database (the gateway)', async () => {
    const loaded: string[] = [];
    for (const name of ['typeorm', '@nestjs/typeorm', 'pg']) {
      jest.doMock(name, () => {
        loaded.push(name);
        return {};
      });
    }
    // Nest itself from the same isolated registry, so the module's injection tokens are its own.
    await jest.isolateModulesAsync(async () => {
      const { OpsModule: Isolated } = await import('./ops.module');
      const { NestFactory: Factory } = await import('@nestjs/core');
      const { FastifyAdapter: Adapter } = await import('@nestjs/platform-fastify');
      const app = await Factory.create(
        Isolated.forRoot({ database: false, metrics: false }),
        new Adapter(),
        { logger: false, abortOnError: false },
      );
      await app.init();
      await app.close();
    });
    expect(loaded).toEqual([]);
  });
});
