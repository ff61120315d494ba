import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VideoContentType } from '../probe/video-probe';

/** The committed clips of tools/media/samples (made by tools/media/make-samples.sh). */
export interface SampleMedia {
  name: string;
  contentType: VideoContentType;
  width: number;
  height: number;
  durationSeconds: number;
  videoCodec: string;
  audioCodec: string;
}

export const SAMPLES_DIR = join(__dirname, '../../../../tools/media/samples');

export const SAMPLES: readonly SampleMedia[] = [
  {
    name: 'bars-faststart.mp4',
    contentType: 'video/mp4',
    width: 320,
    height: 180,
    durationSeconds: 4,
    videoCodec: 'avc1.4d400d',
    audioCodec: 'mp4a.40.2',
  },
  {
    name: 'testsrc-moov-at-end.mp4',
    contentType: 'video/mp4',
    width: 320,
    height: 240,
    durationSeconds: 3,
    videoCodec: 'avc1.4d400d',
    audioCodec: 'mp4a.40.2',
  },
  {
    name: 'testsrc.webm',
    contentType: 'video/webm',
    width: 320,
    height: 240,
    durationSeconds: 3.008,
    videoCodec: 'vp9',
    audioCodec: 'opus',
  },
];

export function sampleBytes(sample: SampleMedia): Buffer {
  return readFileSync(join(SAMPLES_DIR, sample.name));
}

export function sampleNamed(name: string): SampleMedia {
  const sample = SAMPLES.find((candidate) => candidate.name === name);
  if (!sample) throw new Error(`no sample named ${name}`);
  return sample;
}
