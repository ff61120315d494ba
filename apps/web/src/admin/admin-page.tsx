import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, Navigate, useLocation, useNavigate, useParams } from 'react-router';
import { MATURITY_RATING_NAMES } from '@kinema/contracts/maturity-names';
import { api, data } from '../api/client';
import { ApiError } from '../api/problem';
import { genresQuery, QUERY_ROOTS, titleQuery } from '../api/queries';
import type { components } from '../schema/generated/schema';
import type { GenreSlug, Maturity, Title, TitleType } from '../schema/types';
import { useSession } from '../auth/use-session';
import { ErrorMessage, FieldError, SkeletonBlock } from '../ui/feedback';
import { maturityLabel } from '../ui/maturity';
import { ArtworkFields } from './artwork-fields';
import { DeleteTitle } from './delete-title';
import { EpisodeVideos } from './episode-videos';
import { SeasonsEditor } from './seasons-editor';
import { slugAfterRename } from './slug-suggestion';
import { VideoUpload } from './video-upload';

type TitleBody = components['schemas']['TitleBody'];

const MATURITY: readonly Maturity[] = MATURITY_RATING_NAMES;

function emptyTitle(): TitleBody {
  return {
    slug: '',
    type: 'movie',
    name: '',
    synopsis: '',
    releaseYear: new Date().getFullYear(),
    runtimeMinutes: 90,
    maturityRating: 'all',
    genres: [],
    availability: 'draft',
  };
}

function bodyOf(title: Title): TitleBody {
  return {
    slug: title.slug,
    type: title.type,
    name: title.name,
    synopsis: title.synopsis,
    releaseYear: title.releaseYear,
    runtimeMinutes: title.runtimeMinutes,
    maturityRating: title.maturityRating,
    genres: title.genres.map((genre) => genre.slug),
    credits: title.credits,
    // An empty key means none: the API takes a key or nothing.
    artwork: {
      ...(title.artwork.posterKey ? { posterKey: title.artwork.posterKey } : {}),
      ...(title.artwork.backdropKey ? { backdropKey: title.artwork.backdropKey } : {}),
    },
    availability: title.availability,
    popularity: title.popularity,
    ...(title.type === 'series'
      ? {
          seasons: (title.seasons ?? []).map((season) => ({
            number: season.number,
            name: season.name,
            releaseYear: season.releaseYear,
            episodes: season.episodes.map((episode) => ({
              number: episode.number,
              name: episode.name,
              synopsis: episode.synopsis,
              runtimeMinutes: episode.runtimeMinutes,
            })),
          })),
        }
      : {}),
  };
}

function TitleForm({ initial, version }: { initial: TitleBody; version?: number }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const genres = useQuery(genresQuery);
  const [body, setBody] = useState(initial);
  const { id } = useParams();
  const save = useMutation({
    mutationFn: async () => {
      if (id && version !== undefined)
        return data(
          api.PUT('/api/v1/titles/{id}', {
            params: { path: { id }, header: { 'If-Match': `"${version}"` } },
            body,
          }),
        );
      return data(api.POST('/api/v1/titles', { body }));
    },
    onSuccess: async (saved) => {
      await client.invalidateQueries({ queryKey: [QUERY_ROOTS.title, saved.id] });
      // Lists are read again when next shown; the change's event updates other tabs' views.
      await client.invalidateQueries({ queryKey: [QUERY_ROOTS.titles], refetchType: 'none' });
      navigate(`/admin/titles/${saved.id}`, { replace: true, state: { saved: saved.version } });
    },
  });
  const error = save.error instanceof ApiError ? save.error : undefined;
  const fieldError = (field: string) => error?.fieldError(field);
  const conflict = error?.status === 412;
  const form = useRef<HTMLFormElement>(null);
  // A save refused for its fields takes the admin to the first one marked, wherever the form has
  // been scrolled to: on a phone the Create button is a long way below the name.
  useEffect(() => {
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [save.error]);
  const fieldsNamed = (error?.problem.errors?.length ?? 0) > 0;
  const set = <K extends keyof TitleBody>(key: K, value: TitleBody[K]) =>
    setBody((current) => ({ ...current, [key]: value }));
  const field = (name: keyof TitleBody, label: string, input: ReactNode) => (
    <>
      <label htmlFor={`title-${name}`}>{label}</label>
      {input}
      <FieldError id={`title-${name}-error`} message={fieldError(name)} />
    </>
  );
  const common = (name: keyof TitleBody) => ({
    id: `title-${name}`,
    'aria-invalid': Boolean(fieldError(name)),
    'aria-describedby': `title-${name}-error`,
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form ref={form} onSubmit={onSubmit} noValidate className="form">
      {field(
        'name',
        'Name',
        <input
          {...common('name')}
          value={body.name}
          onChange={(e) => {
            const name = e.target.value;
            // A new title's slug follows its name until the admin types one; an existing
            // title's slug is its address, changed only on purpose.
            setBody((current) => ({
              ...current,
              name,
              ...(id ? {} : { slug: slugAfterRename(current.slug, current.name, name) }),
            }));
          }}
        />,
      )}
      {field(
        'slug',
        'Slug (lower-case words joined by hyphens)',
        <input
          {...common('slug')}
          value={body.slug}
          onChange={(e) => set('slug', e.target.value)}
        />,
      )}
      {field(
        'type',
        'Type',
        <select
          {...common('type')}
          value={body.type}
          onChange={(e) => {
            const type = e.target.value as TitleType;
            // A series' runtime is its episodes': the API takes 0 for the title itself.
            setBody((current) => ({
              ...current,
              type,
              runtimeMinutes: type === 'series' ? 0 : current.runtimeMinutes || 90,
            }));
          }}
        >
          <option value="movie">Film</option>
          <option value="series">Series</option>
        </select>,
      )}
      {field(
        'synopsis',
        'Synopsis',
        <textarea
          {...common('synopsis')}
          value={body.synopsis ?? ''}
          onChange={(e) => set('synopsis', e.target.value)}
        />,
      )}
      {field(
        'releaseYear',
        'Release year',
        <input
          {...common('releaseYear')}
          type="number"
          value={body.releaseYear}
          onChange={(e) => set('releaseYear', Number(e.target.value))}
        />,
      )}
      {body.type === 'movie' &&
        field(
          'runtimeMinutes',
          'Runtime in minutes (films)',
          <input
            {...common('runtimeMinutes')}
            type="number"
            value={body.runtimeMinutes ?? 0}
            onChange={(e) => set('runtimeMinutes', Number(e.target.value))}
          />,
        )}
      {field(
        'maturityRating',
        'Maturity rating',
        <select
          {...common('maturityRating')}
          value={body.maturityRating}
          onChange={(e) => set('maturityRating', e.target.value as Maturity)}
        >
          {MATURITY.map((rating) => (
            <option key={rating} value={rating}>
              {maturityLabel(rating)}
            </option>
          ))}
        </select>,
      )}
      <fieldset aria-describedby="title-genres-error">
        <legend>Genres</legend>
        {genres.data?.items.map((genre) => (
          <label key={genre.slug} className="checkbox">
            <input
              type="checkbox"
              checked={body.genres.includes(genre.slug)}
              onChange={(e) =>
                set(
                  'genres',
                  e.target.checked
                    ? [...body.genres, genre.slug]
                    : body.genres.filter((slug: GenreSlug) => slug !== genre.slug),
                )
              }
            />
            {genre.name}
          </label>
        ))}
      </fieldset>
      <FieldError id="title-genres-error" message={fieldError('genres')} />
      <ArtworkFields
        artwork={body.artwork ?? {}}
        onChange={(artwork) => set('artwork', artwork)}
        fieldError={fieldError}
      />
      {body.type === 'series' && (
        <SeasonsEditor
          seasons={body.seasons ?? []}
          onChange={(seasons) => set('seasons', seasons)}
          fieldError={fieldError}
        />
      )}
      <label className="checkbox">
        <input
          type="checkbox"
          checked={body.availability === 'published'}
          onChange={(e) => set('availability', e.target.checked ? 'published' : 'draft')}
        />
        Published (viewers can see it)
      </label>
      {conflict ? (
        <p className="error" role="alert">
          Someone changed this title after you opened it, so your changes were not saved.{' '}
          <button type="button" onClick={() => window.location.reload()}>
            Load their version
          </button>
        </p>
      ) : fieldsNamed ? (
        <p className="error" role="alert">
          Not saved: correct the fields marked above.
        </p>
      ) : (
        <ErrorMessage error={save.error} />
      )}
      <button type="submit" disabled={save.isPending}>
        {id ? 'Save changes' : 'Create title'}
      </button>
    </form>
  );
}

export function AdminPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const location = useLocation();
  const savedVersion = (location.state as { saved?: number } | null)?.saved;
  const session = useSession();
  const admin = session?.account.role === 'admin' && !session.profile?.kids;
  const title = useQuery({ ...titleQuery(id ?? ''), enabled: Boolean(id) && admin });
  // Kids profiles and viewers have no admin screens.
  if (!admin) return <Navigate to="/" replace />;
  const heading = id ? `Edit ${title.data?.name ?? 'title'}` : 'Create a title';
  return (
    <main className="admin-page">
      <title>{`${heading} · Admin · Kinema`}</title>
      <p>
        <Link to="/admin/titles">All titles</Link> · <Link to="/admin/titles/new">New title</Link>
      </p>
      <h1>{heading}</h1>
      <p role="status" className="notice-saved">
        {savedVersion !== undefined && title.data?.version === savedVersion ? 'Saved.' : ''}
      </p>
      {id && title.isPending && <SkeletonBlock label="Loading title" />}
      <ErrorMessage error={title.error} />
      {!id && <TitleForm key="new" initial={emptyTitle()} />}
      {id && title.data && (
        <>
          <p className="part-actions">
            <span>
              <Link to={`/title/${id}`}>See it as a viewer</Link> · {title.data.availability} ·{' '}
              {title.data.playable ? 'playable' : 'no video yet'}
            </span>
            <DeleteTitle
              title={title.data}
              onDeleted={() => navigate('/admin/titles', { replace: true })}
            />
          </p>
          <TitleForm
            key={`${id}-${title.data.version}`}
            initial={bodyOf(title.data)}
            version={title.data.version}
          />
          {title.data.type === 'movie' ? (
            <section aria-labelledby="video-heading">
              <h2 id="video-heading">Video</h2>
              <VideoUpload titleId={id} path={`/api/v1/titles/${id}/video`} label="The film" />
            </section>
          ) : (
            <EpisodeVideos title={title.data} />
          )}
        </>
      )}
    </main>
  );
}
