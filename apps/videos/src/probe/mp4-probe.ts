import { createFile, type Movie, type MP4BoxBuffer } from 'mp4box';
import { ElementScanner, type ElementAction, type ElementHeader } from './element-scanner';
import { UnprocessableVideoError, type ProbeResult, type VideoProbe } from './probe-result';

// moov grows with the sample count: about 10 MiB for two hours of 30 fps video with audio.
const MOOV_LIMIT = 64 * 1024 * 1024;
const PRINTABLE_FOURCC = /^[\x20-\x7e]{4}$/;

/**
 * ISO BMFF (MP4) probe. Top-level boxes are walked as they stream by: ftyp must come first, moov
 * (kept, wherever it sits) is handed to mp4box, mdat and the rest are only counted. A file is
 * valid when its boxes tile it exactly (a truncated file ends inside a box), it has one moov and
 * media data, and mp4box finds a video track in the moov.
 */
export class Mp4Probe extends ElementScanner implements VideoProbe {
  private ftyp: Buffer | null = null;
  private moov: Buffer | null = null;
  private sawMediaData = false;

  constructor() {
    super(MOOV_LIMIT);
  }

  protected readHeader(bytes: Buffer): ElementHeader | null {
    if (bytes.length < 8) return null;
    const size32 = bytes.readUInt32BE(0);
    const id = bytes.toString('latin1', 4, 8);
    if (!PRINTABLE_FOURCC.test(id)) throw new UnprocessableVideoError('not an MP4 box structure');
    if (this.offset === 0 && id !== 'ftyp') {
      throw new UnprocessableVideoError('an MP4 file starts with an ftyp box');
    }
    if (size32 === 1) {
      if (bytes.length < 16) return null;
      const size64 = Number(bytes.readBigUInt64BE(8));
      if (size64 < 16) throw new UnprocessableVideoError(`the ${id} box has an invalid size`);
      return { id, headerSize: 16, bodySize: size64 - 16 };
    }
    if (size32 === 0) return { id, headerSize: 8, bodySize: null };
    if (size32 < 8) throw new UnprocessableVideoError(`the ${id} box has an invalid size`);
    return { id, headerSize: 8, bodySize: size32 - 8 };
  }

  protected actionFor(header: ElementHeader): ElementAction {
    if (header.id === 'ftyp' || header.id === 'moov') {
      if ((header.id === 'ftyp' ? this.ftyp : this.moov) !== null) {
        throw new UnprocessableVideoError(`more than one ${header.id} box`);
      }
      return 'capture';
    }
    // Fragmented files carry their media in moof + mdat pairs.
    if (header.id === 'mdat' || header.id === 'moof') this.sawMediaData = true;
    return 'skip';
  }

  protected captured(header: ElementHeader, body: Buffer): void {
    const box = Buffer.alloc(header.headerSize);
    // mp4box parses whole boxes, so the (normalised, 32-bit) header is put back in front.
    const total = header.headerSize + body.length;
    if (header.headerSize === 16) {
      box.writeUInt32BE(1, 0);
      box.writeBigUInt64BE(BigInt(total), 8);
    } else {
      box.writeUInt32BE(total, 0);
    }
    box.write(header.id, 4, 'latin1');
    const whole = Buffer.concat([box, body]);
    if (header.id === 'ftyp') this.ftyp = whole;
    else this.moov = whole;
  }

  async finish(): Promise<ProbeResult> {
    this.endOpenElement();
    if (!this.atBoundary()) throw new UnprocessableVideoError('the MP4 file is truncated');
    if (!this.ftyp) throw new UnprocessableVideoError('an MP4 file starts with an ftyp box');
    if (!this.moov) throw new UnprocessableVideoError('the MP4 file has no moov box');
    if (!this.sawMediaData) throw new UnprocessableVideoError('the MP4 file has no media data');
    return describeMovie(parseMovie(this.ftyp, this.moov));
  }
}

function parseMovie(ftyp: Buffer, moov: Buffer): Movie {
  const file = createFile();
  let movie: Movie | null = null;
  let parseError: string | null = null;
  file.onReady = (info) => {
    movie = info;
  };
  file.onError = (_module, message) => {
    parseError = message;
  };
  const bytes = Buffer.concat([ftyp, moov]);
  // mp4box wants ArrayBuffers tagged with their offset in the file.
  const arrayBuffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  const mp4Buffer = Object.assign(arrayBuffer, { fileStart: 0 }) as MP4BoxBuffer;
  try {
    file.appendBuffer(mp4Buffer, true);
    file.flush();
  } catch (error) {
    throw new UnprocessableVideoError(
      `the moov box cannot be parsed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const parsed = movie ?? (file.moov ? file.getInfo() : null);
  if (!parsed || parseError) {
    throw new UnprocessableVideoError(
      `the moov box cannot be parsed${parseError ? `: ${parseError}` : ''}`,
    );
  }
  return parsed;
}

function describeMovie(movie: Movie): ProbeResult {
  const video = movie.videoTracks[0];
  if (!video?.video || video.video.width <= 0 || video.video.height <= 0) {
    throw new UnprocessableVideoError('the MP4 file has no video track');
  }
  const fragmented = movie.fragment_duration;
  const durationSeconds =
    movie.timescale > 0 && movie.duration > 0
      ? movie.duration / movie.timescale
      : fragmented && fragmented.den > 0
        ? fragmented.num / fragmented.den
        : 0;
  const others = movie.tracks.filter((track) => track !== video);
  return {
    durationSeconds,
    width: video.video.width,
    height: video.video.height,
    codecs: [video, ...others].map((track) => track.codec).filter((codec) => codec.length > 0),
  };
}
