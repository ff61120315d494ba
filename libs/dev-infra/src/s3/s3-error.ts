/** An S3 protocol error: the code and status the SDK maps to its typed exceptions. */
export class S3Error extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'S3Error';
  }
}

export const noSuchBucket = (bucket: string): S3Error =>
  new S3Error('NoSuchBucket', 404, `The specified bucket does not exist: ${bucket}`);

export const noSuchKey = (key: string): S3Error =>
  new S3Error('NoSuchKey', 404, `The specified key does not exist: ${key}`);

export const noSuchUpload = (uploadId: string): S3Error =>
  new S3Error(
    'NoSuchUpload',
    404,
    `The specified multipart upload does not exist: ${uploadId}. It may have been aborted or completed.`,
  );

export const invalidArgument = (message: string): S3Error =>
  new S3Error('InvalidArgument', 400, message);

export const notImplemented = (what: string): S3Error =>
  new S3Error('NotImplemented', 501, `${what} is not implemented by the Kinema dev S3 server`);

export const preconditionFailed = (): S3Error =>
  new S3Error(
    'PreconditionFailed',
    412,
    'At least one of the pre-conditions you specified did not hold',
  );
