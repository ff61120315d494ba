import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import {
  catalogPackageDefinition,
  CatalogServiceClient,
  GRPC_SERVICES,
  GetTitleRequest,
} from '@kinema/contracts';
import { Controller, Module, type OnModuleInit } from '@nestjs/common';
import { GrpcMethod, NestMicroservice, ServerGrpc } from '@nestjs/microservices';
import { DomainError } from '../errors/domain-error';
import { OpsModule } from '../ops/ops.module';
import { bootstrapGrpcService, type RunningGrpcService } from './bootstrap-grpc-service';

// bootstrapGrpcService relies on parts of @nestjs/microservices that are not its documented API:
// it connects the gRPC microservice with deferInitialization, registers the global filter and
// interceptor, then wires the handlers itself (registerListeners) and marks the microservice
// initialised (setIsInitialized, setIsInitHookCalled) so module init hooks run once; and it
// subclasses ServerGrpc, replacing createClient and reading its url. A Nest upgrade that changes
// any of them fails here, by name, before it fails in a service.
const { version: nestVersion } = require('@nestjs/microservices/package.json') as {
  version: string;
};

function requireMethod(owner: { prototype: object }, ownerName: string, method: string): void {
  const found: unknown = (owner.prototype as Record<string, unknown>)[method];
  if (typeof found !== 'function') {
    throw new Error(
      `@nestjs/microservices ${nestVersion}: ${ownerName}#${method} is gone or no longer a method; ` +
        'libs/platform/src/grpc-server/bootstrap-grpc-service.ts (or bound-port-server-grpc.ts) ' +
        'calls it: rework that bootstrap for this Nest version.',
    );
  }
}

describe('the Nest internals bootstrapGrpcService relies on', () => {
  it.each([
    ['NestMicroservice', 'registerListeners', NestMicroservice],
    ['NestMicroservice', 'setIsInitialized', NestMicroservice],
    ['NestMicroservice', 'setIsInitHookCalled', NestMicroservice],
    ['NestMicroservice', 'useGlobalFilters', NestMicroservice],
    ['NestMicroservice', 'useGlobalInterceptors', NestMicroservice],
    ['ServerGrpc', 'createClient', ServerGrpc],
  ] as const)('%s#%s still exists', (ownerName, method, owner) => {
    requireMethod(owner, ownerName, method);
  });

  it('ServerGrpc still keeps the address it binds in `url`', () => {
    const server = new ServerGrpc({
      package: 'kinema.catalog.v1',
      packageDefinition: catalogPackageDefinition,
      url: '127.0.0.1:0',
    });
    const url: unknown = (server as unknown as { url?: unknown }).url;
    if (url !== '127.0.0.1:0') {
      throw new Error(
        `@nestjs/microservices ${nestVersion}: ServerGrpc no longer keeps its address in \`url\`; ` +
          'BoundPortServerGrpc.createClient binds to it: rework it for this Nest version.',
      );
    }
  });
});

let inits = 0;

@Controller()
class MissingTitles {
  @GrpcMethod('CatalogService', 'getTitle')
  getTitle(request: GetTitleRequest): never {
    throw DomainError.notFound('TITLE_NOT_FOUND', `No title ${request.id}.`);
  }
}

@Module({
  imports: [OpsModule.forRoot({ database: false, metrics: false })],
  controllers: [MissingTitles],
})
class PinModule implements OnModuleInit {
  onModuleInit(): void {
    inits++;
  }
}

describe('a service started by bootstrapGrpcService', () => {
  let service: RunningGrpcService;

  beforeAll(async () => {
    service = await bootstrapGrpcService({
      name: 'pin',
      module: PinModule,
      logLevel: 'fatal',
      grpc: {
        package: 'kinema.catalog.v1',
        packageDefinition: catalogPackageDefinition,
        services: [GRPC_SERVICES.catalog],
        host: '127.0.0.1',
        port: 0,
        maxConnectionAgeMs: 60_000,
      },
      ops: { host: '127.0.0.1', port: 0 },
    });
  });

  afterAll(async () => {
    service.drain();
    await service.app.close();
  });

  it('ran each module init hook once (not again when the microservice was wired)', () => {
    expect(inits).toBe(1);
  });

  it('serves on the port it bound and maps a domain error with the global filter', async () => {
    expect(service.grpcPort).toBeGreaterThan(0);
    const client = new CatalogServiceClient(
      `127.0.0.1:${service.grpcPort}`,
      credentials.createInsecure(),
    );
    try {
      const failure = await new Promise<ServiceError>((resolve, reject) =>
        client.getTitle(GetTitleRequest.fromPartial({ id: 'nothing' }), (error) =>
          error ? resolve(error) : reject(new Error('GetTitle answered')),
        ),
      );
      // Without the filter Nest answers UNKNOWN; registered after the handlers, it is ignored.
      expect(failure.code).toBe(status.NOT_FOUND);
    } finally {
      client.close();
    }
  });
});
