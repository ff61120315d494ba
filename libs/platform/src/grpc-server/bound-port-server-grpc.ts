import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { GrpcOptions } from '@nestjs/microservices';
import { ServerGrpc } from '@nestjs/microservices';
import { servedByInterceptor } from './served-by.interceptor';

/**
 * NestJS's gRPC transport, keeping the port grpc-js reports when it binds. Nest's own
 * `createClient` binds and drops that number, so a service asked for port 0 could not say which
 * port it got; picking a free port beforehand and binding it later races every other process.
 * The override does what Nest's does for the options Kinema passes (channel options, insecure
 * credentials; TLS ends at the edge or the mesh) and records the port. grpc-js's own server
 * interceptors run here too, below Nest, where a call's trailers can be written.
 */
export class BoundPortServerGrpc extends ServerGrpc {
  private port: number | undefined;

  constructor(private readonly grpcOptions: GrpcOptions['options']) {
    super(grpcOptions);
  }

  /** The port the server is bound to; defined once the microservice has started. */
  get boundPort(): number | undefined {
    return this.port;
  }

  override async createClient(): Promise<Server> {
    const server = new Server({
      ...this.grpcOptions.channelOptions,
      interceptors: [servedByInterceptor],
    });
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(this.url, ServerCredentials.createInsecure(), (error, port) =>
        error ? reject(error) : resolve(port),
      ),
    );
    return server;
  }
}
