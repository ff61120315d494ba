import type { Episode, Title } from '../schema/types';

/** Where a profile stopped in a title (an episode of it, for a series). */
export interface Stopped {
  episodeId: string | null;
  positionSeconds: number;
}

/** `m:ss`, as a player shows a position. */
export function clock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
}

/** A series' episodes that can be watched, in order (season by season). */
export function playableEpisodes(title: Title): Episode[] {
  return (title.seasons ?? []).flatMap((season) =>
    season.episodes.filter((episode) => episode.playable),
  );
}

/** The episode to play after `episodeId`, if the series has one ready. */
export function nextEpisode(title: Title, episodeId: string): Episode | undefined {
  const episodes = playableEpisodes(title);
  const at = episodes.findIndex((episode) => episode.id === episodeId);
  return at < 0 ? undefined : episodes[at + 1];
}

/**
 * The episode Play means for a series: the one the profile is part-way through, else the first
 * ready one. (Continue watching lists only unfinished titles, so a series whose last episode was
 * finished starts again from the first; the player offers the next one at each episode's end.)
 */
export function episodeToPlay(title: Title, stopped: Stopped | undefined): Episode | undefined {
  const episodes = playableEpisodes(title);
  return episodes.find((episode) => episode.id === stopped?.episodeId) ?? episodes[0];
}

/** Season and episode numbers of an episode of this title, for labels ("S1 E2"). */
export function episodeLabel(title: Title, episodeId: string): string {
  const found = seasonEpisode(title, episodeId);
  return found ? `S${found.season} E${found.episode.number}` : '';
}

/** An episode of this title by its numbers and name, as the player names it ("S1 E2 Low Tide"). */
export function episodeTitle(title: Title, episodeId: string): string {
  const found = seasonEpisode(title, episodeId);
  if (!found) return '';
  const label = `S${found.season} E${found.episode.number}`;
  return found.episode.name ? `${label} ${found.episode.name}` : label;
}

function seasonEpisode(
  title: Title,
  episodeId: string,
): { season: number; episode: Episode } | undefined {
  for (const season of title.seasons ?? []) {
    const episode = season.episodes.find((entry) => entry.id === episodeId);
    if (episode) return { season: season.number, episode };
  }
  return undefined;
}
