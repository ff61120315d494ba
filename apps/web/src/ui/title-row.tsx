import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { Title } from '../api/types';
import { Poster } from './poster';
import { SkeletonRow } from './feedback';

interface TitleRowProps {
  name: string;
  titles: Title[];
  loading?: boolean;
  hasMore?: boolean;
  onLoadMore?: () => void;
  /** Under each poster, e.g. how far a title has been watched. */
  caption?: (title: Title) => ReactNode;
}

/**
 * A row of posters: arrow keys move between them (the row scrolls to follow), and the next page
 * loads when the end of the row comes into view.
 */
export function TitleRow({ name, titles, loading, hasMore, onLoadMore, caption }: TitleRowProps) {
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => {
    const sentinel = end.current;
    if (!sentinel || !hasMore || !onLoadMore) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) onLoadMore();
    });
    observer.observe(sentinel);
    return () => observer.disconnect();
  }, [hasMore, onLoadMore, titles.length]);

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const links = Array.from(event.currentTarget.querySelectorAll<HTMLAnchorElement>('a'));
    const index = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next = links[index + (event.key === 'ArrowRight' ? 1 : -1)];
    if (next) {
      event.preventDefault();
      next.focus();
      next.scrollIntoView({ block: 'nearest', inline: 'nearest' });
    }
  };

  const headingId = `row-${name.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <section className="row" aria-labelledby={headingId}>
      <h2 id={headingId}>{name}</h2>
      {loading ? (
        <SkeletonRow />
      ) : (
        <ul className="row-items" onKeyDown={onKeyDown}>
          {titles.map((title) => (
            <li key={title.id} className="row-item">
              <Link to={`/title/${title.id}`} aria-label={`${title.name} (${title.releaseYear})`}>
                <Poster title={title} />
              </Link>
              {caption?.(title)}
            </li>
          ))}
          {hasMore && <li ref={end} className="row-more" aria-hidden="true" />}
        </ul>
      )}
    </section>
  );
}
