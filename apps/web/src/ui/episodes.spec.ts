import { describe, expect, it } from 'vitest';
import type { Title } from '../schema/types';
import { episodeLabel, episodeTitle, episodeToPlay, nextEpisode } from './episodes';

const episode = (id: string, number: number, playable = true) => ({
  id,
  number,
  name: `Episode ${id}`,
  synopsis: '',
  runtimeMinutes: 30,
  durationSeconds: playable ? 1800 : 0,
  playable,
});

const series = {
  id: 'series',
  type: 'series',
  seasons: [
    {
      id: 's1',
      number: 1,
      name: '',
      releaseYear: 2024,
      episodes: [episode('a', 1), episode('b', 2, false), episode('c', 3)],
    },
    { id: 's2', number: 2, name: '', releaseYear: 2025, episodes: [episode('d', 1)] },
  ],
} as unknown as Title;

describe('a series’ episodes', () => {
  it('plays the episode the profile is part-way through, else the first ready one', () => {
    expect(episodeToPlay(series, { episodeId: 'c', positionSeconds: 60 })?.id).toBe('c');
    expect(episodeToPlay(series, undefined)?.id).toBe('a');
  });

  it('goes on to the next ready episode, across seasons, and ends after the last', () => {
    expect(nextEpisode(series, 'a')?.id).toBe('c');
    expect(nextEpisode(series, 'c')?.id).toBe('d');
    expect(nextEpisode(series, 'd')).toBeUndefined();
  });

  it('names an episode by season and number', () => {
    expect(episodeLabel(series, 'd')).toBe('S2 E1');
  });

  it('titles an episode by its numbers and name, as the player shows it', () => {
    expect(episodeTitle(series, 'c')).toBe('S1 E3 Episode c');
    expect(episodeTitle(series, 'none')).toBe('');
  });
});
