import {
  Metadata,
  Server,
  ServerCredentials,
  status,
  type sendUnaryData,
  type ServiceDefinition,
  type UntypedHandleCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import {
  CatalogServiceService,
  ERROR_INFO_TRAILER,
  ErrorInfo,
  UsersServiceService,
  VideosServiceService,
  ArtworkServiceService,
  type ServiceErrorCode,
} from '@kinema/contracts';

/** A gRPC failure as a service sends it: status, message and the ErrorInfo trailer. */
export function grpcFailure(code: status, errorCode: ServiceErrorCode, details: string) {
  const metadata = new Metadata();
  metadata.set(
    ERROR_INFO_TRAILER,
    Buffer.from(ErrorInfo.encode({ code: errorCode, fieldViolations: [] }).finish()),
  );
  return Object.assign(new Error(details), { code, details, metadata });
}

type Handlers = Record<string, (...args: never[]) => unknown>;

/**
 * The gateway's three back ends as in-process gRPC servers, answering only the methods a test
 * gives them (others: UNIMPLEMENTED). Tests of the gateway's HTTP behaviour run the real gateway
 * application against them: nothing of the gateway is replaced, and no other process is needed.
 */
export class FakeServices {
  private readonly server = new Server();
  private port = 0;

  constructor(handlers: {
    catalog?: Handlers;
    users?: Handlers;
    videos?: Handlers;
    artwork?: Handlers;
  }) {
    this.add(CatalogServiceService, handlers.catalog ?? {});
    this.add(UsersServiceService, handlers.users ?? {});
    this.add(VideosServiceService, handlers.videos ?? {});
    this.add(ArtworkServiceService, handlers.artwork ?? {});
  }

  async start(): Promise<string> {
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      ),
    );
    return this.target;
  }

  get target(): string {
    return `127.0.0.1:${this.port}`;
  }

  stop(): void {
    this.server.forceShutdown();
  }

  private add(definition: ServiceDefinition, handlers: Handlers): void {
    const implementation: UntypedServiceImplementation = {};
    for (const name of Object.keys(definition)) {
      implementation[name] =
        (handlers[name] as UntypedHandleCall | undefined) ??
        ((_call: unknown, callback: sendUnaryData<unknown>) =>
          callback({ code: status.UNIMPLEMENTED, details: `${name} is not faked here` }));
    }
    this.server.addService(definition, implementation);
  }
}
