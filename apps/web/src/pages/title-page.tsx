import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, data } from '../api/client';
import {
  continueWatchingQuery,
  myListQuery,
  QUERY_ROOTS,
  titleQuery,
  titlesQuery,
} from '../api/queries';
import type { Title } from '../schema/types';
import { useSession } from '../auth/use-session';
import { clock, episodeLabel, episodeToPlay, type Stopped } from '../ui/episodes';
import { ErrorMessage, SkeletonBlock } from '../ui/feedback';
import { maturityLabel } from '../ui/maturity';
import { Poster } from '../ui/poster';
import { TitleRow } from '../ui/title-row';

/** How many titles "More like this" offers. */
const SIMILAR = 12;

/** Play and Resume for a film, or for a series the episode it is part-way through (else its first). */
function PlayActions({ title, stopped }: { title: Title; stopped: Stopped | undefined }) {
  if (!title.playable) return <p className="coming-soon">Coming soon: no video yet.</p>;
  if (title.type === 'movie')
    return (
      <>
        <Link className="button button--play" to={`/watch/${title.id}`}>
          Play
        </Link>
        {stopped && stopped.positionSeconds > 0 && (
          <Link
            className="button button--secondary"
            to={`/watch/${title.id}?t=${stopped.positionSeconds}`}
          >
            Resume from {clock(stopped.positionSeconds)}
          </Link>
        )}
      </>
    );
  const episode = episodeToPlay(title, stopped);
  if (!episode) return null;
  const label = episodeLabel(title, episode.id);
  const resuming = stopped?.episodeId === episode.id && stopped.positionSeconds > 0;
  return (
    <Link
      className="button button--play"
      to={`/watch/${title.id}?episode=${episode.id}${resuming ? `&t=${stopped.positionSeconds}` : ''}`}
    >
      {resuming ? `Resume ${label} from ${clock(stopped.positionSeconds)}` : `Play ${label}`}
    </Link>
  );
}

function MoreLikeThis({ title }: { title: Title }) {
  const genre = title.genres[0]?.slug;
  const similar = useInfiniteQuery({
    ...titlesQuery({ sort: 'popular', ...(genre ? { genre } : {}) }, SIMILAR + 1),
    enabled: Boolean(genre),
  });
  const items =
    similar.data?.pages[0]?.items.filter((item) => item.id !== title.id).slice(0, SIMILAR) ?? [];
  if (!genre || (similar.isSuccess && items.length === 0)) return null;
  return <TitleRow name="More like this" titles={items} loading={similar.isPending} />;
}

export function TitlePage() {
  const { id = '' } = useParams();
  const session = useSession();
  const profileId = session?.profile?.id ?? '';
  const admin = session?.account.role === 'admin' && !session.profile?.kids;
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
    onSettled: async () => {
      await client.invalidateQueries({ queryKey: [QUERY_ROOTS.myList, profileId] });
      // The home page's My List row; read again when next shown.
      await client.invalidateQueries({ queryKey: [QUERY_ROOTS.browse], refetchType: 'none' });
    },
  });

  if (title.isPending) return <SkeletonBlock label="Loading title" />;
  if (title.isError)
    return (
      <main className="title-page">
        <title>Title not found · Kinema</title>
        <ErrorMessage error={title.error} />
        <Link to="/">Back to home</Link>
      </main>
    );
  const view = title.data;
  const saved = progress.data?.items.find((item) => item.title.id === id);
  const stopped = saved && { episodeId: saved.episodeId, positionSeconds: saved.positionSeconds };
  const season = view.seasons?.[seasonIndex];
  return (
    <main className="title-page">
      <title>{`${view.name} · Kinema`}</title>
      <div className="title-art">
        <Poster title={view} wide eager />
      </div>
      <div className="title-info">
        <h1>{view.name}</h1>
        <p className="meta">
          <span>{view.releaseYear}</span> ·{' '}
          <span className="badge" title="Maturity rating">
            {maturityLabel(view.maturityRating)}
          </span>{' '}
          · <span>{view.type === 'movie' ? `${view.runtimeMinutes} min` : 'Series'}</span> ·{' '}
          <span>{view.genres.map((genre) => genre.name).join(', ')}</span>
        </p>
        <p>{view.synopsis}</p>
        <div className="actions">
          <PlayActions title={view} stopped={stopped} />
          {profileId && (
            <button
              type="button"
              className="button--secondary"
              onClick={() => toggle.mutate()}
              disabled={toggle.isPending}
            >
              {listed ? 'Remove from My List' : 'Add to My List'}
            </button>
          )}
          {admin && (
            <Link className="button button--secondary" to={`/admin/titles/${view.id}`}>
              Edit
            </Link>
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
            <div className="field-inline">
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
            </div>
            <ul className="episodes">
              {season?.episodes.map((episode) => (
                <li key={episode.id}>
                  <strong>
                    {episode.number}. {episode.name}
                  </strong>{' '}
                  <span className="muted">{episode.runtimeMinutes} min</span>
                  <p>{episode.synopsis}</p>
                  {episode.playable ? (
                    <Link to={`/watch/${view.id}?episode=${episode.id}`}>
                      Play episode {episode.number}
                    </Link>
                  ) : (
                    <span className="muted">Coming soon</span>
                  )}
                </li>
              ))}
            </ul>
          </section>
        )}
      </div>
      <div className="title-more">
        <MoreLikeThis title={view} />
      </div>
    </main>
  );
}
