import { decodeEbml } from './ebml-decode';
import { readVint } from './ebml-vint';
import { ElementScanner, type ElementAction, type ElementHeader } from './element-scanner';
import { UnprocessableVideoError, type ProbeResult, type VideoProbe } from './probe-result';

const IDS = {
  ebml: '1A45DFA3',
  segment: '18538067',
  info: '1549A966',
  tracks: '1654AE6B',
  cluster: '1F43B675',
  clusterTimecode: 'E7',
} as const;
const METADATA_LIMIT = 4 * 1024 * 1024;
const DEFAULT_TIMECODE_SCALE_NS = 1_000_000;

const CODEC_NAMES: Record<string, string> = {
  V_VP8: 'vp8',
  V_VP9: 'vp9',
  V_AV1: 'av01',
  A_OPUS: 'opus',
  A_VORBIS: 'vorbis',
};

interface TrackEntry {
  type: number;
  codecId: string;
  width: number;
  height: number;
}

/**
 * WebM probe. Elements are walked as they stream by: the EBML header, Info and Tracks are kept
 * (wherever they sit) and decoded with `ebml`; Segment and Clusters are entered so that only
 * their children's headers are read; blocks are counted, never kept. Valid means: DocType webm,
 * every element complete, a known-size Segment as long as it says, a video track and a Cluster.
 */
export class WebmProbe extends ElementScanner implements VideoProbe {
  private readonly kept: Buffer[] = [];
  private segmentEnd: number | null = null;
  private sawCluster = false;
  private lastClusterTimecode = 0;

  constructor() {
    super(METADATA_LIMIT);
  }

  protected readHeader(bytes: Buffer): ElementHeader | null {
    const id = readVint(bytes, 0);
    if (id === undefined) return null;
    if (id === null || id.length > 4) throw new UnprocessableVideoError('not an EBML structure');
    const size = readVint(bytes, id.length);
    if (size === undefined) return null;
    if (size === null) throw new UnprocessableVideoError('not an EBML structure');
    if (this.offset === 0 && id.hex !== IDS.ebml) {
      throw new UnprocessableVideoError('a WebM file starts with an EBML header');
    }
    return { id: id.hex, headerSize: id.length + size.length, bodySize: size.value };
  }

  protected actionFor(header: ElementHeader, start: number): ElementAction {
    switch (header.id) {
      case IDS.segment:
        if (header.bodySize !== null) {
          this.segmentEnd = start + header.headerSize + header.bodySize;
        }
        return 'descend';
      case IDS.cluster:
        this.sawCluster = true;
        return 'descend';
      case IDS.ebml:
      case IDS.info:
      case IDS.tracks:
      case IDS.clusterTimecode:
        return 'capture';
      default:
        if (header.bodySize === null) {
          throw new UnprocessableVideoError(`element ${header.id} has an unknown size`);
        }
        return 'skip';
    }
  }

  protected captured(header: ElementHeader, body: Buffer): void {
    if (header.id === IDS.clusterTimecode) {
      // The last cluster's start bounds the duration when Info carries none (live recordings).
      const timecode = body.length > 0 && body.length <= 6 ? body.readUIntBE(0, body.length) : 0;
      this.lastClusterTimecode = Math.max(this.lastClusterTimecode, timecode);
      return;
    }
    const size = encodeSize(body.length);
    this.kept.push(Buffer.concat([Buffer.from(header.id, 'hex'), size, body]));
  }

  async finish(): Promise<ProbeResult> {
    if (!this.atBoundary()) throw new UnprocessableVideoError('the WebM file is truncated');
    if (this.segmentEnd !== null && this.offset < this.segmentEnd) {
      throw new UnprocessableVideoError('the WebM file is truncated');
    }
    const tags = await decodeEbml(this.kept).catch((error: unknown) => {
      throw new UnprocessableVideoError(
        `the WebM headers cannot be parsed: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    let docType = '';
    let timecodeScale = DEFAULT_TIMECODE_SCALE_NS;
    let duration: number | null = null;
    const tracks: TrackEntry[] = [];
    for (const [event, tag] of tags) {
      if (event === 'start' && tag.name === 'TrackEntry') {
        tracks.push({ type: 0, codecId: '', width: 0, height: 0 });
      }
      if (event !== 'tag') continue;
      const track = tracks[tracks.length - 1];
      const number = typeof tag.value === 'number' ? tag.value : 0;
      if (tag.name === 'DocType') docType = String(tag.value);
      else if (tag.name === 'TimecodeScale' && number > 0) timecodeScale = number;
      else if (tag.name === 'Duration') duration = number;
      else if (track && tag.name === 'TrackType') track.type = number;
      else if (track && tag.name === 'CodecID') track.codecId = String(tag.value);
      else if (track && tag.name === 'PixelWidth') track.width = number;
      else if (track && tag.name === 'PixelHeight') track.height = number;
    }
    if (docType !== 'webm') throw new UnprocessableVideoError('the EBML document is not WebM');
    if (!this.sawCluster) throw new UnprocessableVideoError('the WebM file has no media data');
    const video = tracks.find((track) => track.type === 1);
    if (!video || video.width <= 0 || video.height <= 0) {
      throw new UnprocessableVideoError('the WebM file has no video track');
    }
    const ticks = duration ?? this.lastClusterTimecode;
    return {
      durationSeconds: (ticks * timecodeScale) / 1e9,
      width: video.width,
      height: video.height,
      codecs: [video, ...tracks.filter((track) => track !== video)].map(
        (track) => CODEC_NAMES[track.codecId] ?? track.codecId.toLowerCase(),
      ),
    };
  }
}

/** The shortest EBML size for re-framing a kept element (all-ones would mean "unknown"). */
function encodeSize(length: number): Buffer {
  let bytes = 1;
  while (length >= 2 ** (7 * bytes) - 1) bytes++;
  const size = Buffer.alloc(bytes);
  size.writeUIntBE(length, 0, bytes);
  size[0] = (size[0] ?? 0) | (0x80 >> (bytes - 1));
  return size;
}
