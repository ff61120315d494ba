import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import {
  Controller,
  Get,
  Injectable,
  Post,
  UseGuards,
  type CallHandler,
  type CanActivate,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Observable } from 'rxjs';
import { Access } from './auth/access-level.decorator';
import { HotRoute } from './http/route-config';
import { FakeServices } from './testing/fake-services';
import { requestsMeasured } from './testing/requests-measured';
import { createTestGateway } from './testing/test-gateway';

/** What a maintainer might add to the pipeline later: it sees every request that reaches it. */
@Injectable()
class AuditInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle();
  }
}

@Injectable()
class OfficeHoursGuard implements CanActivate {
  canActivate(): boolean {
    return true;
  }
}

@Controller('extra')
class GuardedHotController {
  @Get('guarded')
  @HotRoute('cached-read')
  @Access('public')
  @UseGuards(OfficeHoursGuard)
  guarded(): string {
    return 'guarded';
  }
}

@Controller('extra')
class HotWriteController {
  @Post('write')
  @HotRoute('cached-read')
  @Access('public')
  write(): string {
    return 'written';
  }
}

@Controller('extra')
class SignedInPlaybackController {
  @Get('stream')
  @HotRoute('playback')
  @Access('viewer')
  stream(): string {
    return 'bytes';
  }
}

describe('routes marked hot', () => {
  let services: FakeServices;

  beforeEach(() => {
    services = new FakeServices({
      catalog: {
        listGenres: (_call: ServerUnaryCall<unknown, unknown>, done: sendUnaryData<unknown>) =>
          done(null, { genres: [] }),
      },
    });
  });

  afterEach(() => services.stop());

  describe('start-up', () => {
    it('is refused when a global interceptor would be skipped by the cached-read hot path', async () => {
      const started = createTestGateway(services, {}, undefined, undefined, {
        providers: [{ provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
      });
      await expect(started).rejects.toThrow(
        'GET /api/v1/titles (TitlesController.list) carries AuditInterceptor (global, ' +
          'APP_INTERCEPTOR or useGlobalInterceptors), which the cached-read hot path does not replay',
      );
      // Every hot route is named, the playback ones too.
      await expect(started).rejects.toThrow(
        /GET \/api\/v1\/titles\/:id\/stream \(VideoStreamController\.getMovie\) carries AuditInterceptor/,
      );
    });

    it.each([
      {
        when: 'a hot route carries a guard of its own',
        extra: { controllers: [GuardedHotController], providers: [OfficeHoursGuard] },
        error:
          'GET /api/v1/extra/guarded (GuardedHotController.guarded) carries OfficeHoursGuard ' +
          '(@UseGuards on GuardedHotController.guarded), which the cached-read hot path does not ' +
          'replay',
      },
      {
        when: 'a hot route writes',
        extra: { controllers: [HotWriteController] },
        error:
          'POST /api/v1/extra/write (HotWriteController.write): a hot path answers GET and HEAD only',
      },
      {
        when: 'a playback hot route needs a signed-in caller',
        extra: { controllers: [SignedInPlaybackController] },
        error:
          'GET /api/v1/extra/stream (SignedInPlaybackController.stream) carries AuthGuard ' +
          "(global, APP_GUARD or useGlobalGuards), but its access level is 'viewer'",
      },
    ])('is refused when $when', async ({ extra, error }) => {
      await expect(createTestGateway(services, {}, undefined, undefined, extra)).rejects.toThrow(
        error,
      );
    });
  });

  // Over a real connection: Fastify's inject closes its fake response unfinished, which the
  // request hooks would log a second time, as a client gone away.
  describe('logs and metrics', () => {
    let app: NestFastifyApplication;
    let origin: string;
    let lines: Array<Record<string, unknown>>;

    beforeEach(async () => {
      lines = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
          done();
        },
      });
      app = await createTestGateway(services, {}, pino({ level: 'info' }, sink));
      await app.listen({ port: 0, host: '127.0.0.1' });
      origin = await app.getUrl();
    });

    afterEach(() => app.close());

    it('name the pipeline for a first read and the hot path for its cached repeats', async () => {
      const route = '/api/v1/genres';
      const hotBefore = await requestsMeasured({ route, path: 'hot' });
      const pipelineBefore = await requestsMeasured({ route, path: 'pipeline' });
      for (let n = 0; n < 3; n++) {
        expect((await fetch(origin + route)).status).toBe(200);
      }
      const logged = lines.filter((line) => line.msg === 'request' && line.route === route);
      expect(logged.map((line) => line.path)).toEqual(['pipeline', 'hot', 'hot']);
      expect(await requestsMeasured({ route, path: 'pipeline' })).toBe(pipelineBefore + 1);
      expect(await requestsMeasured({ route, path: 'hot' })).toBe(hotBefore + 2);
    });

    it('name the pipeline for a route that is not marked hot', async () => {
      expect((await fetch(`${origin}/api/v1/me`)).status).toBe(401);
      const logged = lines.filter((line) => line.msg === 'request' && line.route === '/api/v1/me');
      expect(logged.map((line) => [line.status, line.path])).toEqual([[401, 'pipeline']]);
    });
  });
});
