import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import {
  continueWatchingQuery,
  genresQuery,
  myListQuery,
  titlesQuery,
  type TitleQuery,
} from '../api/queries';
import type { Title } from '../api/types';
import { useSession } from '../auth/use-session';
import { ErrorMessage } from '../ui/feedback';
import { Poster } from '../ui/poster';
import { TitleRow } from '../ui/title-row';

function ListRow({ name, query }: { name: string; query: Omit<TitleQuery, 'cursor' | 'limit'> }) {
  const titles = useInfiniteQuery(titlesQuery(query));
  const items = titles.data?.pages.flatMap((page) => page.items) ?? [];
  if (titles.isError) return <ErrorMessage error={titles.error} />;
  if (titles.isSuccess && items.length === 0) return null;
  return (
    <TitleRow
      name={name}
      titles={items}
      loading={titles.isPending}
      hasMore={titles.hasNextPage}
      onLoadMore={() => void (titles.isFetchingNextPage || titles.fetchNextPage())}
    />
  );
}

function Hero({ title }: { title: Title }) {
  return (
    <section className="hero" aria-label="Featured">
      <Poster title={title} wide named={false} eager />
      <div className="hero-text">
        <h1>{title.name}</h1>
        <p>{title.synopsis}</p>
        <Link className="button" to={`/title/${title.id}`}>
          More about {title.name}
        </Link>
      </div>
    </section>
  );
}

export function HomePage() {
  const session = useSession();
  const profileId = session?.profile?.id ?? '';
  const trending = useInfiniteQuery(titlesQuery({ sort: 'trending' }));
  const genres = useQuery(genresQuery);
  const continueWatching = useQuery({ ...continueWatchingQuery(profileId), enabled: !!profileId });
  const myList = useInfiniteQuery({ ...myListQuery(profileId), enabled: !!profileId });
  const hero = trending.data?.pages[0]?.items[0];
  const watching = continueWatching.data?.items ?? [];
  const listed = myList.data?.pages.flatMap((page) => page.items.map((item) => item.title)) ?? [];
  return (
    <main className="home">
      {hero ? <Hero title={hero} /> : <div className="hero skeleton" aria-hidden="true" />}
      {watching.length > 0 && (
        <TitleRow
          name="Continue watching"
          titles={watching.map((item) => item.title)}
          caption={(title) => {
            const item = watching.find((entry) => entry.title.id === title.id);
            if (!item || item.durationSeconds === 0) return null;
            const percent = Math.round((100 * item.positionSeconds) / item.durationSeconds);
            return (
              <progress
                max={100}
                value={percent}
                aria-label={`${title.name}: ${percent}% watched`}
              />
            );
          }}
        />
      )}
      <ListRow name="Trending now" query={{ sort: 'trending' }} />
      <ListRow name="New releases" query={{ sort: 'newest' }} />
      <ListRow name="Most popular" query={{ sort: 'popular' }} />
      {listed.length > 0 && (
        <TitleRow
          name="My List"
          titles={listed}
          hasMore={myList.hasNextPage}
          onLoadMore={() => void (myList.isFetchingNextPage || myList.fetchNextPage())}
        />
      )}
      {genres.data?.items.map((genre) => (
        <ListRow
          key={genre.slug}
          name={genre.name}
          query={{ genre: genre.slug, sort: 'popular' }}
        />
      ))}
      <ErrorMessage error={genres.error ?? continueWatching.error ?? myList.error} />
    </main>
  );
}
