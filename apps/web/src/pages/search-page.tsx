import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { CATALOG_READ_LIMITS } from '@kinema/contracts/catalog-limits';
import { genresQuery, titlesQuery, type TitleQuery } from '../api/queries';
import { ErrorMessage, FieldError, SkeletonRow } from '../ui/feedback';
import { Poster } from '../ui/poster';
import { searchFilters, TITLE_TYPES } from './search-filters';
import { useSearchText } from './search-text';

export function SearchPage() {
  const [params, setParams] = useSearchParams();
  const { text, setText, settled: q, query: searched, error: textError } = useSearchText();
  const genres = useQuery(genresQuery);
  const known = genres.isPending
    ? undefined
    : (genres.data?.items.map((entry) => entry.slug) ?? []);
  const { filters, errors, waitingForGenres } = searchFilters(params, known);
  const query: Omit<TitleQuery, 'cursor' | 'limit'> = {
    ...(searched ? { q: searched, sort: 'relevance' } : { sort: 'popular' }),
    ...filters,
  };
  const results = useInfiniteQuery({ ...titlesQuery(query), enabled: !waitingForGenres });
  const items = results.data?.pages.flatMap((page) => page.items) ?? [];

  // The year fields keep what is typed themselves (`defaultValue`), as the text box does: drawn
  // from the address, a digit typed before the address caught up with the one before was lost.
  const setFilter = (name: string, value: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value) next.set(name, value);
        else next.delete(name);
        return next;
      },
      { replace: true },
    );

  return (
    <main className="search-page">
      <title>{q ? `“${q}” · Search · Kinema` : 'Search · Kinema'}</title>
      <h1>Search</h1>
      <form role="search" className="filters" onSubmit={(event) => event.preventDefault()}>
        <div className="filter filter--text">
          <label htmlFor="search-text">Titles, people, genres</label>
          <input
            id="search-text"
            type="search"
            value={text}
            onChange={(event) => setText(event.target.value)}
            placeholder="A title, an actor, a genre…"
            maxLength={CATALOG_READ_LIMITS.queryLength}
            autoFocus
            aria-invalid={Boolean(textError)}
            aria-describedby="search-text-error"
          />
          <FieldError id="search-text-error" message={textError} />
        </div>
        <div className="filter">
          <label htmlFor="filter-genre">Genre</label>
          <select
            id="filter-genre"
            value={filters.genre ?? ''}
            onChange={(event) => setFilter('genre', event.target.value)}
          >
            <option value="">Any genre</option>
            {genres.data?.items.map((entry) => (
              <option key={entry.slug} value={entry.slug}>
                {entry.name}
              </option>
            ))}
          </select>
        </div>
        <div className="filter">
          <label htmlFor="filter-type">Type</label>
          <select
            id="filter-type"
            value={filters.type ?? ''}
            onChange={(event) => setFilter('type', event.target.value)}
          >
            <option value="">Films and series</option>
            {TITLE_TYPES.map((choice) => (
              <option key={choice.value} value={choice.value}>
                {choice.label}
              </option>
            ))}
          </select>
        </div>
        <div className="filter filter--year">
          <label htmlFor="filter-from">From year</label>
          <input
            id="filter-from"
            type="number"
            inputMode="numeric"
            defaultValue={params.get('yearFrom') ?? ''}
            onChange={(event) => setFilter('yearFrom', event.target.value)}
            aria-invalid={Boolean(errors.yearFrom)}
            aria-describedby="filter-from-error"
          />
          <FieldError id="filter-from-error" message={errors.yearFrom} />
        </div>
        <div className="filter filter--year">
          <label htmlFor="filter-to">To year</label>
          <input
            id="filter-to"
            type="number"
            inputMode="numeric"
            defaultValue={params.get('yearTo') ?? ''}
            onChange={(event) => setFilter('yearTo', event.target.value)}
            aria-invalid={Boolean(errors.yearTo)}
            aria-describedby="filter-to-error"
          />
          <FieldError id="filter-to-error" message={errors.yearTo} />
        </div>
      </form>
      <ErrorMessage error={results.error} />
      {results.isPending ? (
        <SkeletonRow />
      ) : results.isError && items.length === 0 ? null : (
        <>
          <p role="status">
            {items.length === 0 ? 'No titles match.' : `${items.length} titles shown`}
          </p>
          <ul className="grid">
            {items.map((title) => (
              <li key={title.id}>
                <Link to={`/title/${title.id}`}>
                  <Poster title={title} />
                  <span className="grid-name">{title.name}</span>
                  {/* The year tells apart titles of the same name (a remake, say). */}
                  <span className="grid-note">
                    {title.releaseYear}
                    {!title.playable && ' · Coming soon'}
                  </span>
                </Link>
              </li>
            ))}
          </ul>
          {results.hasNextPage && (
            <button
              type="button"
              onClick={() => void results.fetchNextPage()}
              disabled={results.isFetchingNextPage}
            >
              Load more
            </button>
          )}
        </>
      )}
    </main>
  );
}
