import type { INestApplication } from '@nestjs/common';
import { BEARER_SCHEME } from '../auth/access-level.decorator';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** The OpenAPI 3 document, generated from the controllers and DTOs. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Kinema API')
    .setDescription(
      'The edge API of Kinema, a streaming back end. Errors are application/problem+json (RFC 9457); ' +
        'reads carry ETag and answer 304 to If-None-Match; lists are keyset-paginated with `nextCursor`. ' +
        'Send `X-Profile-Id` with catalog reads to browse as a profile (its maturity ceiling applies). ' +
        'Too many requests answer 429 with Retry-After.',
    )
    .setVersion('1')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'ES256 access token from POST /api/v1/auth/login, /register or /refresh (15 minutes). ' +
          'Catalog writes need the admin role.',
      },
      BEARER_SCHEME,
    )
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Swagger UI at /docs and the document at /docs/openapi.json. */
export function mountDocs(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
    useGlobalPrefix: false,
  });
}
