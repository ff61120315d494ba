import {
  AVAILABILITIES,
  CREDIT_ROLES,
  maturityOfRank,
  maturityRank,
  TITLE_TYPES,
  type Availability,
  type CreditRole,
  type MaturityRating,
  type TitleType,
  type Credit,
  type Genre,
  type Season,
  type Title,
} from '@kinema/contracts';
import type {
  StoredAvailability,
  StoredCreditRole,
  StoredMaturity,
  StoredTitleType,
} from './title.model';

// Stored values are the contract's vocabulary: the REST names for type, availability and role, and
// the maturity rank (a smallint, so a ceiling is a `<=`).

export function toStoredMaturity(rating: MaturityRating): StoredMaturity | undefined {
  return maturityRank(rating);
}

export function fromStoredMaturity(stored: number): MaturityRating {
  return maturityOfRank(stored);
}

export function toStoredType(type: TitleType): StoredTitleType | undefined {
  return TITLE_TYPES.toName(type);
}

export function fromStoredType(stored: StoredTitleType): TitleType {
  return TITLE_TYPES.toProto(stored);
}

export function toStoredAvailability(availability: Availability): StoredAvailability | undefined {
  return AVAILABILITIES.toName(availability);
}

export function fromStoredAvailability(stored: StoredAvailability): Availability {
  return AVAILABILITIES.toProto(stored);
}

export function toStoredRole(role: CreditRole): StoredCreditRole | undefined {
  return CREDIT_ROLES.toName(role);
}

export function fromStoredRole(stored: StoredCreditRole): CreditRole {
  return CREDIT_ROLES.toProto(stored);
}

/** One title as the read queries return it (genres, credits and seasons aggregated as JSON). */
export interface TitleRow {
  id: string;
  slug: string;
  type: StoredTitleType;
  name: string;
  synopsis: string;
  release_year: number;
  runtime_minutes: number;
  maturity: number;
  poster_key: string;
  backdrop_key: string;
  availability: StoredAvailability;
  playable: boolean;
  duration_seconds: number;
  popularity: number;
  version: number;
  created_at: Date;
  updated_at: Date;
  genres: Genre[];
  credits: Array<{ person_name: string; role: StoredCreditRole; character: string }>;
  seasons?: Array<{
    id: string;
    number: number;
    name: string;
    release_year: number;
    episodes: Array<{
      id: string;
      number: number;
      name: string;
      synopsis: string;
      runtime_minutes: number;
      playable: boolean;
      duration_seconds: number;
    }>;
  }>;
}

export function toTitle(row: TitleRow): Title {
  const credits: Credit[] = row.credits.map((credit) => ({
    personName: credit.person_name,
    role: fromStoredRole(credit.role),
    character: credit.character,
  }));
  const seasons: Season[] = (row.seasons ?? []).map((season) => ({
    id: season.id,
    number: season.number,
    name: season.name,
    releaseYear: season.release_year,
    episodes: season.episodes.map((episode) => ({
      id: episode.id,
      number: episode.number,
      name: episode.name,
      synopsis: episode.synopsis,
      runtimeMinutes: episode.runtime_minutes,
      playable: episode.playable,
      durationSeconds: episode.duration_seconds,
    })),
  }));
  return {
    id: row.id,
    slug: row.slug,
    type: fromStoredType(row.type),
    name: row.name,
    synopsis: row.synopsis,
    releaseYear: row.release_year,
    runtimeMinutes: row.runtime_minutes,
    maturityRating: fromStoredMaturity(row.maturity),
    genres: row.genres,
    credits,
    artwork: { posterKey: row.poster_key, backdropKey: row.backdrop_key },
    availability: fromStoredAvailability(row.availability),
    playable: row.playable,
    popularity: row.popularity,
    version: row.version,
    seasons,
    createTime: row.created_at,
    updateTime: row.updated_at,
    durationSeconds: row.duration_seconds,
  };
}
