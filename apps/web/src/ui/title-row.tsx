import { useState, type KeyboardEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { Title } from '../schema/types';
import { Poster } from './poster';
import { SkeletonRow } from './feedback';

interface TitleRowProps {
  name: string;
  titles: Title[];
  loading?: boolean;
  /** Where the whole list continues (search with the row's filter), if anywhere. */
  seeAll?: string;
  /** Under each poster, e.g. how far a title has been watched. */
  caption?: (title: Title) => ReactNode;
}

/** Keys that move within a row, and where each moves from index `at` of `count`. */
const MOVES: Record<string, (at: number, count: number) => number> = {
  ArrowRight: (at, count) => Math.min(count - 1, at + 1),
  ArrowLeft: (at) => Math.max(0, at - 1),
  Home: () => 0,
  End: (_at, count) => count - 1,
};

/**
 * A row of posters with one tab stop (the poster last focused in it): Tab moves on to the next
 * row, the arrow keys (and Home, End) move within this one, and the row scrolls to follow.
 */
export function TitleRow({ name, titles, loading, seeAll, caption }: TitleRowProps) {
  const [active, setActive] = useState(0);
  const current = Math.min(active, Math.max(0, titles.length - 1));

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    const move = MOVES[event.key];
    if (!move) return;
    const links = Array.from(event.currentTarget.querySelectorAll<HTMLAnchorElement>('a'));
    const next = move(current, links.length);
    event.preventDefault();
    setActive(next);
    links[next]?.focus();
    links[next]?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  };

  const headingId = `row-${name.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <section className="row" aria-labelledby={headingId}>
      <div className="row-heading">
        <h2 id={headingId}>{name}</h2>
        {seeAll && (
          <Link to={seeAll} className="see-all" aria-label={`See all: ${name}`}>
            See all
          </Link>
        )}
      </div>
      {loading ? (
        <SkeletonRow />
      ) : (
        <ul className="row-items" onKeyDown={onKeyDown}>
          {titles.map((title, index) => (
            <li key={title.id} className="row-item">
              <Link
                to={`/title/${title.id}`}
                aria-label={`${title.name} (${title.releaseYear})`}
                tabIndex={index === current ? 0 : -1}
                onFocus={() => setActive(index)}
              >
                <Poster title={title} />
              </Link>
              {caption?.(title)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
