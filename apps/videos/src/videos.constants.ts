import { VIDEO_UPLOAD_LIMITS } from '@kinema/contracts';

/** Injection token of the validated VideosConfig. */
export const VIDEOS_CONFIG = Symbol('VIDEOS_CONFIG');

// Advisory-lock keys: fixed per service so replicas of the videos service (and only they) contend.
export const VIDEOS_MIGRATION_LOCK_KEY = 0x6b_76_69_01;

/** CloudEvents `source` of everything this service publishes. */
export const VIDEOS_EVENT_SOURCE = '/kinema/videos';

// The name NestJS matches @GrpcMethod handlers against: the service's key in the generated
// grpc-js definition, with camelCase method names.
export const VIDEOS_GRPC_SERVICE = 'VideosService';

/** Response header of UploadVideo naming the video as soon as its row exists. */
export const VIDEO_ID_METADATA = 'kinema-video-id';

/** S3 part size (each part is streamed, never held in memory whole). */
export const UPLOAD_PART_BYTES = VIDEO_UPLOAD_LIMITS.partBytes;

/** Largest chunk ReadVideo sends (well under gRPC's 4 MiB default message limit). */
export const READ_CHUNK_BYTES = 256 * 1024;
