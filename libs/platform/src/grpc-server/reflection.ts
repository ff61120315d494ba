import { fromJson, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type { Server } from '@grpc/grpc-js';
import { ReflectionService } from '@grpc/reflection';
import { contractsDescriptorSet } from '@kinema/contracts';
import { service as healthService } from 'grpc-health-check';

/** The service grpc-health-check serves beside ours; reflection describes it too. */
export const HEALTH_SERVICE = 'grpc.health.v1.Health';

/**
 * The contracts' .proto files, encoded one by one as they were written. @grpc/reflection reads
 * `fileDescriptorProtos` from every definition it is given; passing the files directly (rather
 * than through proto-loader, which merges the files of a package into one) keeps each file's
 * name and imports, as grpcurl expects them.
 */
const contractFiles = {
  fileDescriptorProtos: fromJson(FileDescriptorSetSchema, contractsDescriptorSet).file.map((file) =>
    toBinary(FileDescriptorProtoSchema, file),
  ),
};

/**
 * Serves gRPC server reflection (grpc.reflection.v1 and v1alpha) for the given services and the
 * health service, so tools such as grpcurl can list, describe and call them without the .proto
 * files.
 */
export function addReflection(
  server: Pick<Server, 'addService'>,
  services: readonly string[],
): void {
  // The health request type carries grpc-health-check's own health.proto.
  const healthFiles = healthService['Check']?.requestType;
  const definitions = {
    'kinema.contracts': contractFiles,
    ...(healthFiles ? { [HEALTH_SERVICE]: healthFiles } : {}),
  } as unknown as ConstructorParameters<typeof ReflectionService>[0];
  new ReflectionService(definitions, { services: [...services, HEALTH_SERVICE] }).addToServer(
    server,
  );
}
