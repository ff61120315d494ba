import { useState } from 'react';
import type { Title } from '../schema/types';
import { VideoUpload } from './video-upload';

/** A series' videos go per episode: pick a saved episode, then upload its file. */
export function EpisodeVideos({ title }: { title: Title }) {
  const episodes = (title.seasons ?? []).flatMap((season) =>
    season.episodes.map((episode) => ({
      id: episode.id,
      label: `Season ${season.number}, episode ${episode.number}`,
      detail: `${episode.name}${episode.playable ? ' (playable)' : ''}`,
    })),
  );
  const [chosen, setChosen] = useState(episodes[0]?.id);
  const episode = episodes.find((entry) => entry.id === chosen);
  return (
    <section className="episode-videos" aria-labelledby="episode-videos-heading">
      <h2 id="episode-videos-heading">Episode videos</h2>
      {episodes.length === 0 ? (
        <p>Add an episode and save the title to upload its video.</p>
      ) : (
        <>
          <label htmlFor="episode-choice">Episode</label>
          <select id="episode-choice" value={chosen} onChange={(e) => setChosen(e.target.value)}>
            {episodes.map((entry) => (
              <option key={entry.id} value={entry.id}>
                {entry.label}: {entry.detail}
              </option>
            ))}
          </select>
          {episode && (
            <VideoUpload
              key={episode.id}
              titleId={title.id}
              path={`/api/v1/titles/${title.id}/episodes/${episode.id}/video`}
              label={episode.label}
            />
          )}
        </>
      )}
    </section>
  );
}
