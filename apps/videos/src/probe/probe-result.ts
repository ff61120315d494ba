/** What the container headers say about a video; nothing here comes from decoding frames. */
export interface ProbeResult {
  durationSeconds: number;
  width: number;
  height: number;
  /** Every track's codec, video first. */
  codecs: string[];
}

/** The bytes are not a valid video of the declared type (the gateway answers 422). */
export class UnprocessableVideoError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'UnprocessableVideoError';
  }
}

/** A streaming probe: fed every byte of the file in order, it keeps only what it parses. */
export interface VideoProbe {
  /** Throws UnprocessableVideoError as soon as the bytes cannot be the declared type. */
  push(chunk: Buffer): void;
  /** Called after the last byte; throws UnprocessableVideoError when the file is incomplete. */
  finish(): Promise<ProbeResult>;
}
