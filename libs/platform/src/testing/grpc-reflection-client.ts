import { dirname, join } from 'node:path';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import {
  credentials,
  loadPackageDefinition,
  type Client,
  type ClientDuplexStream,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

interface ReflectionResponse {
  listServicesResponse?: { service: Array<{ name: string }> };
  fileDescriptorResponse?: { fileDescriptorProto: Buffer[] };
  errorResponse?: { errorCode: number; errorMessage: string };
}

type ReflectionStream = ClientDuplexStream<object, ReflectionResponse>;

const reflectionProto = loadSync('grpc/reflection/v1/reflection.proto', {
  includeDirs: [join(dirname(require.resolve('@grpc/reflection')), '../proto')],
});
const ServerReflection = (
  loadPackageDefinition(reflectionProto) as unknown as {
    grpc: { reflection: { v1: { ServerReflection: new (...args: unknown[]) => Client } } };
  }
).grpc.reflection.v1.ServerReflection;

/**
 * What grpcurl does to list and describe a server: a grpc.reflection.v1 client. Each question is
 * one request on its own stream.
 */
export class GrpcReflectionClient {
  private readonly client: Client & { serverReflectionInfo(): ReflectionStream };

  constructor(target: string) {
    this.client = new ServerReflection(
      target,
      credentials.createInsecure(),
    ) as GrpcReflectionClient['client'];
  }

  async listServices(): Promise<string[]> {
    const answer = await this.ask({ listServices: '' });
    return (answer.listServicesResponse?.service ?? []).map((service) => service.name).sort();
  }

  /** The file that defines `symbol` and every file it imports, decoded. */
  async fileContainingSymbol(symbol: string): Promise<FileDescriptorProto[]> {
    const answer = await this.ask({ fileContainingSymbol: symbol });
    if (answer.errorResponse) {
      throw new Error(`reflection refused ${symbol}: ${answer.errorResponse.errorMessage}`);
    }
    return (answer.fileDescriptorResponse?.fileDescriptorProto ?? []).map((bytes) =>
      fromBinary(FileDescriptorProtoSchema, bytes),
    );
  }

  close(): void {
    this.client.close();
  }

  private ask(request: object): Promise<ReflectionResponse> {
    return new Promise((resolve, reject) => {
      const stream = this.client.serverReflectionInfo();
      stream.once('data', (response: ReflectionResponse) => {
        resolve(response);
        stream.end();
      });
      stream.once('error', reject);
      stream.write(request);
    });
  }
}
