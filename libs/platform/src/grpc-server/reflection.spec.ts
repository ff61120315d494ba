import { Server, ServerCredentials } from '@grpc/grpc-js';
import { GRPC_SERVICES } from '@kinema/contracts';
import { GrpcReflectionClient } from '../testing/grpc-reflection-client';
import { GrpcHealth } from './health';
import { addReflection, HEALTH_SERVICE } from './reflection';

describe('gRPC server reflection', () => {
  let server: Server;
  let reflection: GrpcReflectionClient;

  beforeAll(async () => {
    server = new Server();
    new GrpcHealth([GRPC_SERVICES.catalog]).implementation.addToServer(server);
    addReflection(server, [GRPC_SERVICES.catalog]);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    reflection = new GrpcReflectionClient(`127.0.0.1:${port}`);
  });

  afterAll(async () => {
    reflection.close();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  });

  it('lists the service this server implements and the health service, nothing else', async () => {
    expect(await reflection.listServices()).toEqual([GRPC_SERVICES.catalog, HEALTH_SERVICE].sort());
  });

  it('describes a service with every file it needs, as grpcurl describe does', async () => {
    const files = await reflection.fileContainingSymbol(GRPC_SERVICES.catalog);
    const names = files.map((file) => file.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'kinema/catalog/v1/catalog_service.proto',
        'kinema/catalog/v1/title.proto',
        'google/protobuf/field_mask.proto',
      ]),
    );
    const service = files
      .flatMap((file) => file.service)
      .find((candidate) => candidate.name === 'CatalogService');
    const listTitles = service?.method.find((method) => method.name === 'ListTitles');
    expect(listTitles).toMatchObject({
      inputType: '.kinema.catalog.v1.ListTitlesRequest',
      outputType: '.kinema.catalog.v1.ListTitlesResponse',
    });
    // Every message a method names is defined in the files returned, so a client can encode it.
    const messages = new Set(
      files.flatMap((file) => file.messageType.map((m) => `.${file.package}.${m.name}`)),
    );
    for (const method of service?.method ?? []) {
      expect(messages).toContain(method.inputType);
      expect(messages).toContain(method.outputType);
    }
  });

  it('describes the health service too', async () => {
    const files = await reflection.fileContainingSymbol(HEALTH_SERVICE);
    expect(files.flatMap((file) => file.service.map((s) => s.name))).toContain('Health');
  });
});
