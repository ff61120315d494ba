import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, data } from '../api/client';
import { continueWatchingQuery, myListQuery, titleQuery } from '../api/queries';
import { useSession } from '../auth/use-session';
import { ErrorMessage, SkeletonBlock } from '../ui/feedback';
import { Poster } from '../ui/poster';

function minutes(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
}

export function TitlePage() {
  const { id = '' } = useParams();
  const session = useSession();
  const profileId = session?.profile?.id ?? '';
  const client = useQueryClient();
  const title = useQuery(titleQuery(id));
  const myList = useInfiniteQuery({ ...myListQuery(profileId), enabled: !!profileId });
  const progress = useQuery({ ...continueWatchingQuery(profileId), enabled: !!profileId });
  const [seasonIndex, setSeasonIndex] = useState(0);
  const listed =
    myList.data?.pages.some((page) => page.items.some((item) => item.title.id === id)) ?? false;
  const toggle = useMutation({
    mutationFn: () =>
      listed
        ? data(
            api.DELETE('/api/v1/me/profiles/{profileId}/list/{titleId}', {
              params: { path: { profileId, titleId: id } },
            }),
          )
        : data(
            api.PUT('/api/v1/me/profiles/{profileId}/list/{titleId}', {
              params: { path: { profileId, titleId: id } },
            }),
          ),
    onSettled: () => client.invalidateQueries({ queryKey: ['my-list', profileId] }),
  });

  if (title.isPending) return <SkeletonBlock label="Loading title" />;
  if (title.isError)
    return (
      <main className="title-page">
        <ErrorMessage error={title.error} />
        <Link to="/">Back to home</Link>
      </main>
    );
  const view = title.data;
  const saved = progress.data?.items.find((item) => item.title.id === id);
  const season = view.seasons?.[seasonIndex];
  return (
    <main className="title-page">
      <div className="title-art">
        <Poster title={view} wide eager />
      </div>
      <div className="title-info">
        <h1>{view.name}</h1>
        <p className="meta">
          <span>{view.releaseYear}</span> · <span className="badge">{view.maturityRating}</span> ·{' '}
          <span>{view.type === 'movie' ? `${view.runtimeMinutes} min` : 'Series'}</span> ·{' '}
          <span>{view.genres.map((genre) => genre.name).join(', ')}</span>
        </p>
        <p>{view.synopsis}</p>
        <div className="actions">
          {view.playable && view.type === 'movie' && (
            <>
              <Link className="button" to={`/watch/${view.id}`}>
                Play
              </Link>
              {saved && saved.positionSeconds > 0 && (
                <Link className="button" to={`/watch/${view.id}?t=${saved.positionSeconds}`}>
                  Resume from {minutes(saved.positionSeconds)}
                </Link>
              )}
            </>
          )}
          {!view.playable && view.type === 'movie' && <p>Not available to watch yet.</p>}
          {profileId && (
            <button type="button" onClick={() => toggle.mutate()} disabled={toggle.isPending}>
              {listed ? 'Remove from My List' : 'Add to My List'}
            </button>
          )}
        </div>
        <ErrorMessage error={toggle.error} />
        {view.credits.length > 0 && (
          <>
            <h2>Cast and crew</h2>
            <ul className="credits">
              {view.credits.map((credit) => (
                <li key={`${credit.role}-${credit.name}`}>
                  {credit.name} <span className="muted">({credit.role})</span>
                </li>
              ))}
            </ul>
          </>
        )}
        {view.seasons && view.seasons.length > 0 && (
          <section aria-labelledby="episodes-heading">
            <h2 id="episodes-heading">Episodes</h2>
            <label htmlFor="season">Season</label>
            <select
              id="season"
              value={seasonIndex}
              onChange={(event) => setSeasonIndex(Number(event.target.value))}
            >
              {view.seasons.map((entry, index) => (
                <option key={entry.id} value={index}>
                  {entry.name || `Season ${entry.number}`}
                </option>
              ))}
            </select>
            <ol className="episodes">
              {season?.episodes.map((episode) => (
                <li key={episode.id}>
                  <strong>
                    {episode.number}. {episode.name}
                  </strong>{' '}
                  <span className="muted">{episode.runtimeMinutes} min</span>
                  <p>{episode.synopsis}</p>
                  {episode.playable && (
                    <Link to={`/watch/${view.id}?episode=${episode.id}`}>
                      Play episode {episode.number}
                    </Link>
                  )}
                </li>
              ))}
            </ol>
          </section>
        )}
      </div>
    </main>
  );
}
