import {
  AVAILABILITIES,
  CREDIT_ROLES,
  MATURITY_RATINGS,
  TITLE_TYPES,
  type TitleInput,
} from '@kinema/contracts';
import type { TitleBody, TitlePatchBody } from './dto/title.body';

/** REST body field -> TitleInput field path (FieldMask paths use the proto's snake_case). */
const MASK_PATHS: Record<keyof TitleBody, string> = {
  slug: 'slug',
  type: 'type',
  name: 'name',
  synopsis: 'synopsis',
  releaseYear: 'release_year',
  runtimeMinutes: 'runtime_minutes',
  maturityRating: 'maturity_rating',
  genres: 'genre_slugs',
  credits: 'credits',
  artwork: 'artwork',
  availability: 'availability',
  popularity: 'popularity',
  seasons: 'seasons',
};

export function toTitleInput(body: TitlePatchBody): TitleInput {
  return {
    slug: body.slug ?? '',
    type: body.type ? TITLE_TYPES.toProto(body.type) : TITLE_TYPES.toProto('movie'),
    name: body.name ?? '',
    synopsis: body.synopsis ?? '',
    releaseYear: body.releaseYear ?? 0,
    runtimeMinutes: body.runtimeMinutes ?? 0,
    maturityRating: body.maturityRating
      ? MATURITY_RATINGS.toProto(body.maturityRating)
      : MATURITY_RATINGS.toProto('all'),
    genreSlugs: body.genres ?? [],
    credits: (body.credits ?? []).map((c) => ({
      personName: c.name,
      role: CREDIT_ROLES.toProto(c.role),
      character: c.character ?? '',
    })),
    artwork: {
      posterKey: body.artwork?.posterKey ?? '',
      backdropKey: body.artwork?.backdropKey ?? '',
    },
    availability: AVAILABILITIES.toProto(body.availability ?? 'draft'),
    popularity: body.popularity ?? 0,
    seasons: (body.seasons ?? []).map((s) => ({
      number: s.number,
      name: s.name ?? `Season ${s.number}`,
      releaseYear: s.releaseYear ?? 0,
      episodes: s.episodes.map((e) => ({
        number: e.number,
        name: e.name,
        synopsis: e.synopsis ?? '',
        runtimeMinutes: e.runtimeMinutes,
      })),
    })),
  };
}

/** The FieldMask of a PATCH: exactly the fields present in the body. */
export function patchMask(body: TitlePatchBody): string[] {
  return (Object.keys(MASK_PATHS) as Array<keyof TitleBody>)
    .filter((key) => body[key] !== undefined)
    .map((key) => MASK_PATHS[key]);
}
