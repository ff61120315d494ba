import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { browseQuery } from '../api/queries';
import type { BrowseRow, Title } from '../schema/types';
import { featuredTitle } from './featured-title';
import { useSession } from '../auth/use-session';
import { clock, type Stopped } from '../ui/episodes';
import { ErrorMessage, SkeletonRow } from '../ui/feedback';
import { Poster } from '../ui/poster';
import { TitleRow } from '../ui/title-row';

/** Where a title's whole list continues, for the rows that have one. */
function seeAllOf(row: BrowseRow): string | undefined {
  if (row.id.startsWith('genre:')) return `/search?genre=${row.id.slice('genre:'.length)}`;
  return undefined;
}

/** The Play (or Resume) link of a title, from where the profile stopped in it. */
function playLink(title: Title, stopped: Stopped | undefined): { to: string; label: string } {
  const episode = stopped?.episodeId ? `episode=${stopped.episodeId}&` : '';
  if (stopped && stopped.positionSeconds > 0)
    return {
      to: `/watch/${title.id}?${episode}t=${stopped.positionSeconds}`,
      label: `Resume from ${clock(stopped.positionSeconds)}`,
    };
  return { to: `/watch/${title.id}`, label: 'Play' };
}

function Hero({ title, stopped }: { title: Title; stopped: Stopped | undefined }) {
  const play = playLink(title, stopped);
  return (
    <section className="hero" aria-label="Featured">
      <Poster title={title} wide named={false} eager />
      <div className="hero-text">
        <h1>{title.name}</h1>
        <p className="hero-synopsis">{title.synopsis}</p>
        <div className="actions">
          <Link className="button button--play" to={play.to}>
            {play.label}
          </Link>
          <Link className="button button--secondary" to={`/title/${title.id}`}>
            More info<span className="visually-hidden"> about {title.name}</span>
          </Link>
        </div>
      </div>
    </section>
  );
}

/**
 * The home page, from one `/browse` answer. Its rows hold only titles that can be played now:
 * a row on the home page is an offer to watch, and a poster that answers "not available yet"
 * breaks it. Titles still without a video are found by search and shown there as coming soon.
 */
export function HomePage() {
  const session = useSession();
  const profile = session?.profile;
  const browse = useQuery(browseQuery(profile?.id ?? 'visitor'));
  const rows = browse.data?.rows ?? [];
  const progress = browse.data?.progress ?? [];
  const stoppedIn = (title: Title) => progress.find((item) => item.titleId === title.id);
  const hero = featuredTitle(rows);
  return (
    <main className="home">
      <title>{profile ? `Home · ${profile.name} · Kinema` : 'Kinema: films and series'}</title>
      {hero ? (
        <Hero title={hero} stopped={stoppedIn(hero)} />
      ) : (
        browse.isPending && <div className="hero skeleton" aria-hidden="true" />
      )}
      {browse.isPending && <SkeletonRow />}
      <ErrorMessage error={browse.error} />
      {browse.isSuccess && rows.length === 0 && (
        <p>Nothing can be watched yet. New titles appear here as soon as their video is ready.</p>
      )}
      {rows.map((row) => (
        <TitleRow
          key={row.id}
          name={row.name}
          titles={row.items}
          seeAll={seeAllOf(row)}
          caption={
            row.id === 'continue-watching'
              ? (title) => {
                  const item = stoppedIn(title);
                  if (!item || item.durationSeconds === 0) return null;
                  const percent = Math.round((100 * item.positionSeconds) / item.durationSeconds);
                  return (
                    <progress
                      max={100}
                      value={percent}
                      aria-label={`${title.name}: ${percent}% watched`}
                    />
                  );
                }
              : undefined
          }
        />
      ))}
    </main>
  );
}
