import { Transform, TransformCallback } from 'node:stream';
import { S3Error } from './s3-error';

// A chunk header is "<hex size>[;chunk-signature=<64 hex>]"; anything much longer is not aws-chunked.
const MAX_LINE_BYTES = 8 * 1024;
const EMPTY = Buffer.alloc(0);

type DecoderState = 'size' | 'data' | 'data-end' | 'trailer' | 'done';

const malformed = (detail: string): S3Error =>
  new S3Error('IncompleteBody', 400, `Malformed aws-chunked request body: ${detail}`);

/**
 * Streams the payload out of an `aws-chunked` body (SigV4 streaming, signed or unsigned, with or
 * without trailers) and collects the trailing headers. Chunk signatures are not verified: the
 * dev server accepts any signed request. Data is passed through without copying, so memory stays
 * bounded by the socket's chunk size whatever the object size.
 */
export class AwsChunkedDecoder extends Transform {
  /** Trailing headers (e.g. x-amz-checksum-crc32), lower-cased; complete once the stream ends. */
  readonly trailers = new Map<string, string>();
  private state: DecoderState = 'size';
  private line: Buffer = EMPTY;
  private remaining = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    // Some encoders stop after the last trailer line without the closing empty line.
    const finished = this.state === 'done' || (this.state === 'trailer' && this.line.length === 0);
    callback(finished ? undefined : malformed(`body ended in state "${this.state}"`));
  }

  private consume(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, chunk.length - offset);
        this.push(chunk.subarray(offset, offset + take));
        offset += take;
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'data-end';
        continue;
      }
      if (this.state === 'done') {
        if (chunk.subarray(offset).toString('latin1').trim() !== '')
          throw malformed('data after the final chunk');
        return;
      }
      const newline = chunk.indexOf(0x0a, offset);
      const end = newline === -1 ? chunk.length : newline + 1;
      this.line =
        this.line.length === 0
          ? chunk.subarray(offset, end)
          : Buffer.concat([this.line, chunk.subarray(offset, end)]);
      offset = end;
      if (this.line.length > MAX_LINE_BYTES) throw malformed('chunk header line too long');
      if (newline !== -1) {
        // Copy out before clearing: `line` may be a view on the caller's buffer.
        const text = this.line.toString('latin1').replace(/\r?\n$/, '');
        this.line = EMPTY;
        this.onLine(text);
      }
    }
  }

  private onLine(text: string): void {
    switch (this.state) {
      case 'data-end':
        if (text !== '') throw malformed('chunk data longer than its declared size');
        this.state = 'size';
        return;
      case 'size': {
        const sizeText = text.split(';', 1)[0].trim();
        if (!/^[0-9a-fA-F]{1,15}$/.test(sizeText))
          throw malformed(`bad chunk size "${sizeText.slice(0, 20)}"`);
        const size = Number.parseInt(sizeText, 16);
        if (size === 0) {
          this.state = 'trailer';
        } else {
          this.remaining = size;
          this.state = 'data';
        }
        return;
      }
      case 'trailer': {
        if (text === '') {
          this.state = 'done';
          return;
        }
        const colon = text.indexOf(':');
        if (colon <= 0) throw malformed(`bad trailer line "${text.slice(0, 40)}"`);
        this.trailers.set(text.slice(0, colon).trim().toLowerCase(), text.slice(colon + 1).trim());
        return;
      }
      default:
        throw malformed(`unexpected line in state "${this.state}"`);
    }
  }
}
