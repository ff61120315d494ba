import { PROFILE_HEADER, UUID_PATTERN } from '@kinema/contracts';
import { OpsController } from '@kinema/platform/ops';
import type { INestApplication } from '@nestjs/common';
import {
  ApiExcludeController,
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
} from '@nestjs/swagger';
import type {
  OperationObject,
  ParameterObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PROBLEM_RESPONSE, ProblemView } from './api-problems.decorator';

/** The OpenAPI security scheme every protected route names. */
export const BEARER_SCHEME = 'bearer';

type Operation = OperationObject & { responses: Record<string, ResponseObject> };

interface Traits {
  secured: boolean;
  /** Names something that may not exist: an id in the path, or a profile in X-Profile-Id. */
  namesResource: boolean;
  /** POST, PUT, PATCH and DELETE: Fastify reads a body sent with any of them; they write. */
  takesBody: boolean;
}

/**
 * Answers an operation can give whatever its handler does, because something in front of every
 * handler gives them: the HTTP parser and router (400, 431), the input pipes (400), the auth guard
 * (401 on any route that reads a bearer token), the id pipes (404 for an id nothing has), the body
 * parser (413, 415), the rate limiter (429) and the problem filter mapping a service that is down
 * or slow (503, 504). Declared once here, as the problem filter applies them once.
 */
const SHARED_ANSWERS: ReadonlyArray<{
  status: number;
  description: string;
  applies(traits: Traits): boolean;
}> = [
  {
    status: 400,
    description:
      'The request is malformed, or a parameter or header is refused; `errors` names each field.',
    applies: () => true,
  },
  {
    status: 401,
    description: 'The bearer token is missing, invalid or expired, or its session has ended.',
    applies: (traits) => traits.secured,
  },
  {
    status: 404,
    description:
      'Nothing has this id, the profile in X-Profile-Id is not yours, or the title is hidden ' +
      "from the profile's maturity ceiling.",
    applies: (traits) => traits.namesResource,
  },
  {
    status: 413,
    description: 'The body is larger than the limit (BODY_LIMIT_BYTES, 1 MiB by default).',
    applies: (traits) => traits.takesBody,
  },
  {
    status: 415,
    description: 'The body is not `application/json`.',
    applies: (traits) => traits.takesBody,
  },
  {
    status: 429,
    description: 'Too many requests; Retry-After says when to try again.',
    applies: () => true,
  },
  {
    status: 431,
    description: 'The request line or headers are larger than the server accepts.',
    applies: () => true,
  },
  {
    status: 503,
    description: 'A service behind the gateway is unavailable; Retry-After says when to try again.',
    applies: () => true,
  },
  {
    status: 504,
    description: 'A service behind the gateway did not answer in time.',
    applies: (traits) => !traits.takesBody,
  },
  {
    status: 504,
    description:
      'A service behind the gateway did not answer in time, so this write may or may not have ' +
      'been applied (`code` OUTCOME_UNKNOWN, no Retry-After): read the resource before sending ' +
      'it again, with If-Match or the same Idempotency-Key so that it cannot apply twice.',
    applies: (traits) => traits.takesBody,
  },
];

/** Every path parameter of this API is an id, refused with a 400 unless it is a UUID. */
const ID_SCHEMA: SchemaObject = { type: 'string', format: 'uuid', pattern: UUID_PATTERN.source };

/** An id in the path, or the profile in X-Profile-Id: something that may not exist. */
function namesResource(parameter: ParameterObject): boolean {
  return (
    parameter.in === 'path' ||
    (parameter.in === 'header' && parameter.name.toLowerCase() === PROFILE_HEADER)
  );
}

function traitsOf(method: string, operation: Operation): Traits {
  const parameters = (operation.parameters ?? []) as ParameterObject[];
  return {
    secured: (operation.security ?? []).length > 0,
    namesResource: parameters.some(namesResource),
    takesBody: BODY_METHODS.has(method),
  };
}

const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete']);

/** What a HEAD answers: the statuses and headers of the GET, never a body. */
function withoutBodies(responses: Record<string, ResponseObject>): Record<string, ResponseObject> {
  return Object.fromEntries(
    Object.entries(responses).map(([status, response]) => {
      const rest = { ...response };
      delete rest.content;
      return [status, rest];
    }),
  );
}

/** OpenAPI 3.0 lists null among an enum's values when the schema is nullable. */
function nullableEnums(schema: unknown): void {
  if (typeof schema !== 'object' || schema === null) return;
  const node = schema as SchemaObject;
  if (node.nullable && Array.isArray(node.enum) && !node.enum.includes(null))
    node.enum = [...node.enum, null];
  for (const value of Object.values(node)) nullableEnums(value);
}

/**
 * The generated document completed with what decorators cannot say per route: the shared answers,
 * the HEAD of every GET (Fastify answers HEAD for each GET route), ids as UUIDs, nullable enums.
 */
export function completeDocument(generated: OpenAPIObject): OpenAPIObject {
  // A copy: the generated document shares objects with decorator metadata and the contracts.
  const document = structuredClone(generated);
  for (const item of Object.values(document.paths)) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head'] as const) {
      const operation = item[method] as Operation | undefined;
      if (!operation) continue;
      const traits = traitsOf(method, operation);
      for (const answer of SHARED_ANSWERS) {
        if (!answer.applies(traits) || operation.responses[answer.status]) continue;
        operation.responses[answer.status] = {
          description: answer.description,
          ...PROBLEM_RESPONSE,
        };
      }
      for (const parameter of (operation.parameters ?? []) as ParameterObject[]) {
        if (namesResource(parameter)) parameter.schema = ID_SCHEMA;
      }
    }
    const get = item.get as Operation | undefined;
    if (get) {
      const head = item.head as Operation | undefined;
      item.head = {
        ...get,
        ...(head ?? {
          summary: `${get.summary ?? 'The same'} (headers only)`,
          operationId: `${get.operationId ?? 'get'}_head`,
        }),
        responses: withoutBodies({ ...get.responses, ...(head?.responses ?? {}) }),
      };
    }
  }
  nullableEnums(document.components);
  nullableEnums(document.paths);
  return document;
}

/** The OpenAPI 3 document, generated from the controllers and DTOs. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  // The probes are for Kubernetes (see the description); the platform marks nothing for OpenAPI.
  ApiExcludeController()(OpsController);
  const config = new DocumentBuilder()
    .setTitle('Kinema API')
    .setDescription(
      'The edge API of Kinema, a streaming back end. Errors are application/problem+json (RFC 9457); ' +
        'reads carry ETag and answer 304 to If-None-Match; lists are keyset-paginated with `nextCursor`. ' +
        'Send `X-Profile-Id` with catalog reads to browse as a profile (its maturity ceiling applies). ' +
        'Too many requests answer 429 with Retry-After.\n\n' +
        'Not described here: real-time notifications on the WebSocket `/ws` (OpenAPI 3.0 cannot ' +
        'describe a WebSocket; its messages are in docs/api.md), and the probes `/healthz` and ' +
        '`/readyz`, which are for Kubernetes, not for clients (Prometheus `/metrics` is on the ' +
        'ops port, not this one).',
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
  return completeDocument(
    SwaggerModule.createDocument(app, config, { extraModels: [ProblemView] }),
  );
}

/** Swagger UI at /docs and the document at /docs/openapi.json. */
export function mountDocs(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
    useGlobalPrefix: false,
  });
}
