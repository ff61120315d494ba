import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, Navigate, useSearchParams } from 'react-router';
import { CATALOG_READ_LIMITS } from '@kinema/contracts/catalog-limits';
import { titlesQuery, type TitleQuery } from '../api/queries';
import { useSession } from '../auth/use-session';
import { useSearchText } from '../pages/search-text';
import { ErrorMessage, FieldError, SkeletonBlock } from '../ui/feedback';
import { DeleteTitle } from './delete-title';

const PAGE_SIZE = 25;

type Availability = NonNullable<TitleQuery['availability']>;
/** The Show choices; another value in the address (an edited link) shows them all. */
const AVAILABILITIES: readonly Availability[] = ['all', 'draft', 'published'];

/** Every title, drafts included, to find one and edit or delete it. */
export function AdminTitlesPage() {
  const session = useSession();
  const admin = session?.account.role === 'admin' && !session.profile?.kids;
  const [params, setParams] = useSearchParams();
  const { text, setText, query: searched, error: textError } = useSearchText();
  const availability =
    AVAILABILITIES.find((choice) => choice === params.get('availability')) ?? 'all';
  const titles = useInfiniteQuery({
    ...titlesQuery(
      { availability, ...(searched ? { q: searched, sort: 'relevance' } : { sort: 'name' }) },
      PAGE_SIZE,
    ),
    enabled: admin,
  });
  if (!admin) return <Navigate to="/" replace />;
  const items = titles.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <main className="admin-page admin-titles">
      <title>Titles · Admin · Kinema</title>
      <div className="page-heading">
        <h1>Titles</h1>
        <Link className="button" to="/admin/titles/new">
          New title
        </Link>
      </div>
      <form role="search" className="filters" onSubmit={(event) => event.preventDefault()}>
        <div className="filter filter--text">
          <label htmlFor="admin-search">Find a title</label>
          <input
            id="admin-search"
            type="search"
            value={text}
            onChange={(event) => setText(event.target.value)}
            maxLength={CATALOG_READ_LIMITS.queryLength}
            aria-invalid={Boolean(textError)}
            aria-describedby="admin-search-error"
          />
          <FieldError id="admin-search-error" message={textError} />
        </div>
        <div className="filter">
          <label htmlFor="admin-availability">Show</label>
          <select
            id="admin-availability"
            value={availability}
            onChange={(event) =>
              setParams(
                (current) => {
                  const next = new URLSearchParams(current);
                  next.set('availability', event.target.value);
                  return next;
                },
                { replace: true },
              )
            }
          >
            <option value="all">Drafts and published</option>
            <option value="draft">Drafts</option>
            <option value="published">Published</option>
          </select>
        </div>
      </form>
      <ErrorMessage error={titles.error} />
      {titles.isPending ? (
        <SkeletonBlock label="Loading titles" />
      ) : titles.isError && items.length === 0 ? null : (
        <>
          <p role="status">
            {items.length === 0
              ? 'No titles match.'
              : `${items.length} titles shown${titles.hasNextPage ? ' (more below)' : ''}`}
          </p>
          <ul className="admin-list">
            {items.map((title) => (
              <li key={title.id}>
                <span className="admin-list-name">
                  <Link to={`/title/${title.id}`}>{title.name}</Link>
                  <span className="muted">
                    {' '}
                    {title.type === 'movie' ? 'Film' : 'Series'} · {title.releaseYear} ·{' '}
                    {title.availability === 'draft' ? 'Draft' : 'Published'}
                    {title.playable ? '' : ' · no video'}
                  </span>
                </span>
                <span className="part-actions">
                  <Link className="button button--secondary" to={`/admin/titles/${title.id}`}>
                    Edit<span className="visually-hidden"> {title.name}</span>
                  </Link>
                  <DeleteTitle title={title} />
                </span>
              </li>
            ))}
          </ul>
          {titles.hasNextPage && (
            <button
              type="button"
              onClick={() => void titles.fetchNextPage()}
              disabled={titles.isFetchingNextPage}
            >
              Load more titles
            </button>
          )}
        </>
      )}
    </main>
  );
}
