export { startS3Server } from './s3-server';
export type { RunningS3Server, S3RequestRecord, S3ServerOptions } from './s3-server';
