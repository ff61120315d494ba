import { MalformedEventError } from '@kinema/platform';
import { aVideoFailed, aVideoReady, anEvent } from '../testing/catalog-events.builder';
import { parseVideoEvent } from './video-event.payload';

const titleId = '0b6f3c1e-9d1a-4c7e-8f00-1234567890ab';
const episodeId = '1c7f3c1e-9d1a-4c7e-8f00-1234567890ab';

describe('parseVideoEvent', () => {
  it('reads a movie VideoReady, rounding the duration to whole seconds', () => {
    const event = aVideoReady({ titleId, videoId: 'video-1', durationSeconds: 61.6 });
    expect(parseVideoEvent(event)).toEqual({
      kind: 'ready',
      titleId,
      episodeId: null,
      videoId: 'video-1',
      durationSeconds: 62,
    });
  });

  it('reads an episode VideoFailed and lower-cases ids', () => {
    const event = aVideoFailed({
      titleId: titleId.toUpperCase(),
      episodeId: episodeId.toUpperCase(),
      videoId: 'video-2',
    });
    expect(parseVideoEvent(event)).toEqual({
      kind: 'failed',
      titleId,
      episodeId,
      videoId: 'video-2',
    });
  });

  it('treats a missing episodeId as the title’s own video and ignores extra fields', () => {
    const event = anEvent(
      'kinema.videos.v1.VideoReady',
      titleId,
      { titleId, videoId: 'v', durationSeconds: 1, codec: 'h264' },
      '/kinema/videos',
    );
    expect(parseVideoEvent(event)).toMatchObject({ episodeId: null, durationSeconds: 1 });
  });

  it('answers undefined for event types the catalog does not handle', () => {
    expect(parseVideoEvent(anEvent('kinema.videos.v1.VideoDeleted', titleId, 42, 'x'))).toBe(
      undefined,
    );
  });

  it.each([
    ['a title id that is not a UUID', { titleId: 'forty-two' }, 'titleId'],
    ['a negative duration', { durationSeconds: -1 }, 'durationSeconds'],
    ['a duration that is not a number', { durationSeconds: '90' }, 'durationSeconds'],
    ['an empty video id', { videoId: ' ' }, 'videoId'],
    ['an episode id that is not a UUID', { episodeId: 7 }, 'episodeId'],
  ])('throws MalformedEventError for %s, naming the field', (_case, patch, field) => {
    const event = aVideoReady({ titleId });
    const broken = { ...event, data: { ...event.data, ...patch } };
    expect(() => parseVideoEvent(broken)).toThrow(MalformedEventError);
    expect(() => parseVideoEvent(broken)).toThrow(field);
  });

  it('throws MalformedEventError for data that is not an object', () => {
    expect(() =>
      parseVideoEvent(anEvent('kinema.videos.v1.VideoFailed', titleId, 'oops', 'x')),
    ).toThrow(MalformedEventError);
  });
});
