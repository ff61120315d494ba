import { MalformedEventError } from '@kinema/platform';
import { aPlaybackProgressed, anEvent } from '../testing/catalog-events.builder';
import { addDays, parsePlaybackEvent, utcDay } from './playback-event.payload';

const titleId = '0b6f3c1e-9d1a-4c7e-8f00-1234567890ab';
const profileId = '1c7f3c1e-9d1a-4c7e-8f00-1234567890ab';

describe('utcDay', () => {
  it('takes the calendar day in UTC, whatever the offset of the time', () => {
    expect(utcDay('2025-03-01T23:30:00Z')).toBe('2025-03-01');
    expect(utcDay('2025-03-01T23:30:00-02:00')).toBe('2025-03-02');
    expect(utcDay('2025-03-02T00:30:00+01:00')).toBe('2025-03-01');
  });
});

describe('addDays', () => {
  it('moves across month, year and leap-day boundaries', () => {
    expect(addDays('2025-03-01', -6)).toBe('2025-02-23');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2025-12-29', 7)).toBe('2026-01-05');
  });
});

describe('parsePlaybackEvent', () => {
  it('reads a PlaybackProgressed as a view of the title by the profile on its UTC day', () => {
    const event = aPlaybackProgressed({
      titleId: titleId.toUpperCase(),
      profileId,
      occurredAt: '2025-06-30T22:15:00.250-03:00',
    });
    expect(parsePlaybackEvent(event)).toEqual({ titleId, profileId, day: '2025-07-01' });
  });

  it('answers undefined for event types trending does not count', () => {
    expect(parsePlaybackEvent(anEvent('kinema.users.v1.ProfileCreated', profileId, {}, 'x'))).toBe(
      undefined,
    );
  });

  it.each([
    ['a time without an offset', { occurredAt: '2025-06-30T22:15:00' }, 'occurredAt'],
    ['a time that does not exist', { occurredAt: '2025-02-30T25:61:00Z' }, 'occurredAt'],
    ['a profile id that is not a UUID', { profileId: 'p1' }, 'profileId'],
    ['a missing title id', { titleId: undefined }, 'titleId'],
  ])('throws MalformedEventError for %s, naming the field', (_case, patch, field) => {
    const event = aPlaybackProgressed({ titleId, profileId });
    const broken = { ...event, data: { ...event.data, ...patch } };
    expect(() => parsePlaybackEvent(broken)).toThrow(MalformedEventError);
    expect(() => parsePlaybackEvent(broken)).toThrow(field);
  });
});
