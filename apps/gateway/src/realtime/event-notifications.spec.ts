import type { EventEnvelope, TitleSnapshot } from '@kinema/contracts';
import { deliveriesFor } from './event-notifications';

const title = (overrides: Partial<TitleSnapshot> = {}): TitleSnapshot => ({
  id: 't1',
  slug: 'night-harbour',
  name: 'Night Harbour',
  type: 'movie',
  availability: 'published',
  maturityRating: 3,
  releaseYear: 2024,
  genres: ['drama'],
  playable: true,
  version: 2,
  ...overrides,
});

const event = (type: string, data: unknown): EventEnvelope => ({
  id: 'e1',
  type,
  source: '/kinema/catalog',
  time: '2026-11-22T00:00:00.000Z',
  subject: 't1',
  data,
});

describe('deliveriesFor', () => {
  it('announces a title as published when it is published and playable', () => {
    expect(
      deliveriesFor(event('kinema.catalog.v1.TitlePublished', { title: title() }))[0].notification
        .type,
    ).toBe('title.published');
    expect(
      deliveriesFor(
        event('kinema.catalog.v1.TitlePublished', { title: title({ playable: false }) }),
      ),
    ).toEqual([]);
  });

  it('announces a published title that just became playable as published, other changes as updated', () => {
    const playable = deliveriesFor(
      event('kinema.catalog.v1.TitleUpdated', { title: title(), changedFields: ['playable'] }),
    );
    expect(playable[0].notification.type).toBe('title.published');
    const renamed = deliveriesFor(
      event('kinema.catalog.v1.TitleUpdated', { title: title(), changedFields: ['name'] }),
    );
    expect(renamed[0].notification).toMatchObject({
      type: 'title.updated',
      changedFields: ['name'],
      eventId: 'e1',
    });
  });

  it('names the maturity of the title each public title notification is about', () => {
    const adult = title({ maturityRating: 5 });
    for (const delivery of [
      ...deliveriesFor(event('kinema.catalog.v1.TitlePublished', { title: adult })),
      ...deliveriesFor(
        event('kinema.catalog.v1.TitleUpdated', { title: adult, changedFields: ['name'] }),
      ),
    ])
      expect(delivery).toMatchObject({ to: 'everyone', maturity: 5 });
  });

  it('tells admins only about drafts, their video made playable too', () => {
    for (const changedFields of [['name'], ['playable']])
      expect(
        deliveriesFor(
          event('kinema.catalog.v1.TitleUpdated', {
            title: title({ availability: 'draft', maturityRating: 4 }),
            changedFields,
          }),
        ),
      ).toEqual([
        {
          to: 'admins',
          maturity: 4,
          notification: expect.objectContaining({ type: 'title.updated', changedFields }),
        },
      ]);
  });

  it('sends video.ready to everyone and progress to its profile only', () => {
    const ready = deliveriesFor(
      event('kinema.videos.v1.VideoReady', {
        titleId: 't1',
        episodeId: null,
        videoId: 'v',
        durationSeconds: 12,
        sizeBytes: 1,
        sha256: 'x',
      }),
    );
    expect(ready).toEqual([
      {
        to: 'everyone',
        maturity: 'unknown',
        notification: expect.objectContaining({
          type: 'video.ready',
          titleId: 't1',
          durationSeconds: 12,
        }),
      },
    ]);
    const progress = deliveriesFor(
      event('kinema.users.v1.PlaybackProgressed', {
        profileId: 'p1',
        accountId: 'a',
        titleId: 't1',
        episodeId: null,
        positionSeconds: 5,
        durationSeconds: 100,
        occurredAt: '2026-11-22T00:00:00.000Z',
      }),
    );
    expect(progress).toEqual([
      {
        to: 'profile',
        profileId: 'p1',
        notification: expect.objectContaining({ type: 'profile.progress' }),
      },
    ]);
  });

  it('ignores event types it does not know', () => {
    expect(deliveriesFor(event('kinema.catalog.v1.TitleCreated', { title: title() }))).toEqual([]);
    expect(deliveriesFor(event('something.else', {}))).toEqual([]);
  });
});
