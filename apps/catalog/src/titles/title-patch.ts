import type { Title, TitleInput } from '@kinema/contracts';
import { DomainError } from '@kinema/platform';

type Patchable = keyof TitleInput | 'artwork.poster_key' | 'artwork.backdrop_key';

/** FieldMask paths (TitleInput field names in snake_case) and the field each one replaces. */
const patchPaths: Record<string, Patchable> = {
  slug: 'slug',
  type: 'type',
  name: 'name',
  synopsis: 'synopsis',
  release_year: 'releaseYear',
  runtime_minutes: 'runtimeMinutes',
  maturity_rating: 'maturityRating',
  genre_slugs: 'genreSlugs',
  credits: 'credits',
  artwork: 'artwork',
  'artwork.poster_key': 'artwork.poster_key',
  'artwork.backdrop_key': 'artwork.backdrop_key',
  availability: 'availability',
  popularity: 'popularity',
  seasons: 'seasons',
};

/** The stored title as a TitleInput, the shape a full update would send. */
export function toTitleInput(title: Title): TitleInput {
  return {
    slug: title.slug,
    type: title.type,
    name: title.name,
    synopsis: title.synopsis,
    releaseYear: title.releaseYear,
    runtimeMinutes: title.runtimeMinutes,
    maturityRating: title.maturityRating,
    genreSlugs: title.genres.map((genre) => genre.slug),
    credits: title.credits,
    artwork: {
      posterKey: title.artwork?.posterKey ?? '',
      backdropKey: title.artwork?.backdropKey ?? '',
    },
    availability: title.availability,
    popularity: title.popularity,
    seasons: title.seasons.map((season) => ({
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
  };
}

/**
 * Copies the masked fields of `patch` over the stored title. Every path must be known and the
 * mask non-empty (an empty mask would silently do nothing, which hides client bugs).
 */
export function applyPatch(
  stored: Title,
  patch: TitleInput | undefined,
  paths: readonly string[],
): TitleInput {
  const unknown = paths
    .map((path, index) => ({ path, index }))
    .filter(({ path }) => !Object.hasOwn(patchPaths, path));
  if (paths.length === 0)
    throw DomainError.invalid([
      { field: 'update_mask', description: 'must name at least one field' },
    ]);
  if (unknown.length > 0) {
    throw DomainError.invalid(
      unknown.map(({ path, index }) => ({
        field: 'update_mask',
        description: `paths[${index}]: unknown field "${path.slice(0, 50)}"`,
      })),
    );
  }
  if (!patch) throw DomainError.invalid([{ field: 'title', description: 'is required' }]);
  const merged = toTitleInput(stored);
  const artwork = {
    posterKey: merged.artwork?.posterKey ?? '',
    backdropKey: merged.artwork?.backdropKey ?? '',
  };
  for (const path of paths) {
    const field = patchPaths[path];
    if (field === 'artwork.poster_key') artwork.posterKey = patch.artwork?.posterKey ?? '';
    else if (field === 'artwork.backdrop_key')
      artwork.backdropKey = patch.artwork?.backdropKey ?? '';
    else if (field === 'artwork') {
      artwork.posterKey = patch.artwork?.posterKey ?? '';
      artwork.backdropKey = patch.artwork?.backdropKey ?? '';
    } else if (field) copyField(merged, patch, field);
  }
  return { ...merged, artwork };
}

function copyField<K extends keyof TitleInput>(
  target: TitleInput,
  source: TitleInput,
  field: K,
): void {
  target[field] = source[field];
}
