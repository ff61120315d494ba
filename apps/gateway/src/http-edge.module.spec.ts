import {
  Availability,
  MaturityRating,
  Title,
  TitleType,
  type GetTitleRequest,
} from '@kinema/contracts';
import type { ArgumentsHost } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { CatalogClient } from './catalog/catalog.client';
import { ProblemFilter } from './http/problem.filter';
import { createTestGateway } from './testing/test-gateway';
import { FakeServices } from './testing/fake-services';

const TITLE_ID = '3c1d7a52-8e4b-4f6a-9d2c-5b7e1f0a9c38';

const title = Title.fromPartial({
  id: TITLE_ID,
  slug: 'the-override',
  type: TitleType.TITLE_TYPE_MOVIE,
  name: 'The Override',
  releaseYear: 2024,
  maturityRating: MaturityRating.MATURITY_RATING_ALL,
  availability: Availability.AVAILABILITY_PUBLISHED,
  version: 3,
});

/** The production filter, marking what it answered so a test can tell it ran. */
class MarkingProblemFilter extends ProblemFilter {
  override catch(exception: unknown, host: ArgumentsHost): void {
    void host.switchToHttp().getResponse<FastifyReply>().header('x-answered-by', 'test filter');
    super.catch(exception, host);
  }
}

/**
 * The application Nest's testing module builds from AppModule runs the production pipeline
 * (HttpEdgeModule's hooks, filter and pipes), and a provider overridden there is the one a
 * request meets.
 */
describe('the gateway built by Test.createTestingModule', () => {
  // No back end answers anything: whatever the gateway answers comes from the overrides.
  const services = new FakeServices({});
  const asked: GetTitleRequest[] = [];
  let app: NestFastifyApplication;

  beforeAll(async () => {
    app = await createTestGateway(services, {}, undefined, (builder) =>
      builder
        .overrideProvider(CatalogClient)
        .useValue({
          getTitle: (request: GetTitleRequest) => {
            asked.push(request);
            return Promise.resolve({ title });
          },
        })
        .overrideProvider(ProblemFilter)
        .useValue(new MarkingProblemFilter()),
    );
  });

  afterAll(async () => {
    await app.close();
    services.stop();
  });

  it('answers a title from the overriding catalog client, through the Fastify hooks', async () => {
    const answer = await app.inject({ method: 'GET', url: `/api/v1/titles/${TITLE_ID}` });
    expect(answer.statusCode).toBe(200);
    expect(answer.json()).toMatchObject({ id: TITLE_ID, name: 'The Override', version: 3 });
    expect(asked.map((request) => request.id)).toEqual([TITLE_ID]);
    // The request hooks, the security headers and the cache headers ran around the handler.
    expect(answer.headers['x-request-id']).toEqual(expect.any(String));
    expect(answer.headers['x-served-by']).toEqual(expect.any(String));
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
    expect(answer.headers['etag']).toBe('"3"');
  });

  it('answers bad input with problem+json from the overriding filter (APP_FILTER)', async () => {
    const answer = await app.inject({ method: 'GET', url: '/api/v1/titles?limit=many' });
    expect(answer.statusCode).toBe(400);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.headers['x-answered-by']).toBe('test filter');
    expect(answer.headers['x-content-type-options']).toBe('nosniff');
  });
});
