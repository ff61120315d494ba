import type { TitleSnapshot } from '@kinema/contracts';

/** A published, playable drama as a title event carries it, with what a test changes. */
export function aTitleSnapshot(id: string, changes: Partial<TitleSnapshot> = {}): TitleSnapshot {
  return {
    id,
    slug: id,
    name: 'A title',
    type: 'movie',
    availability: 'published',
    maturityRating: 5,
    releaseYear: 2001,
    genres: ['drama'],
    playable: true,
    version: 2,
    ...changes,
  };
}
