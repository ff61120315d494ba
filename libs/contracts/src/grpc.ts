import type { JsonObject } from '@bufbuild/protobuf';
import { makeGenericClientConstructor } from '@grpc/grpc-js';
import descriptorSet from './generated/descriptor-set.json';
import { CatalogServiceService } from './generated/kinema/catalog/v1/catalog_service';
import { UsersServiceService } from './generated/kinema/users/v1/users_service';
import { ArtworkServiceService } from './generated/kinema/videos/v1/artwork_service';
import {
  VideosServiceClient,
  VideosServiceService,
} from './generated/kinema/videos/v1/videos_service';
import { deserializeUploadVideoRequest, serializeUploadVideoRequest } from './upload-chunk-codec';

/** Fully qualified gRPC service names, as used in health checks and metadata. */
export const GRPC_SERVICES = {
  catalog: 'kinema.catalog.v1.CatalogService',
  users: 'kinema.users.v1.UsersService',
  videos: 'kinema.videos.v1.VideosService',
  artwork: 'kinema.videos.v1.ArtworkService',
} as const;

/** Trailer that carries an encoded `kinema.errors.v1.ErrorInfo` on failed calls. */
export const ERROR_INFO_TRAILER = 'kinema-error-bin';

/** Metadata key carrying the request id from the edge to every service. */
export const REQUEST_ID_METADATA = 'x-request-id';

/**
 * grpc-js package definitions built from the generated codecs, so servers (NestJS's gRPC
 * transport) and clients share one serialisation and nothing loads .proto files at run time.
 */
export const catalogPackageDefinition = {
  [GRPC_SERVICES.catalog]: CatalogServiceService,
};

export const usersPackageDefinition = {
  [GRPC_SERVICES.users]: UsersServiceService,
};

/**
 * VideosService as served and called: the generated definition with UploadVideo's messages
 * through the chunk codec (same bytes on the wire, fewer copies of each chunk).
 */
export const VideosServiceDefinition = {
  ...VideosServiceService,
  uploadVideo: {
    ...VideosServiceService.uploadVideo,
    requestSerialize: serializeUploadVideoRequest,
    requestDeserialize: deserializeUploadVideoRequest,
  },
} as const;

/** A VideosService client on VideosServiceDefinition (the generated one copies every chunk). */
export const VideosGrpcClient = makeGenericClientConstructor(
  VideosServiceDefinition,
  GRPC_SERVICES.videos,
) as unknown as typeof VideosServiceClient;

export const videosPackageDefinition = {
  [GRPC_SERVICES.videos]: VideosServiceDefinition,
  // Served by the videos process too: it owns the object store.
  [GRPC_SERVICES.artwork]: ArtworkServiceService,
};

/**
 * Every .proto file of the contracts, with the well-known types they import, as a
 * `google.protobuf.FileDescriptorSet` in protobuf JSON. `buf build` writes it beside the codecs
 * (the `generate` target), so it always matches them; gRPC server reflection serves it.
 */
export const contractsDescriptorSet = descriptorSet as unknown as JsonObject;
