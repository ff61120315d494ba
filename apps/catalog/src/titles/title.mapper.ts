import {
  Availability,
  CreditRole,
  MaturityRating,
  TitleType,
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

/** Proto maturity ratings in their enum order; index + 1 is the stored smallint. */
export const maturityOrder: readonly MaturityRating[] = [
  MaturityRating.MATURITY_RATING_ALL,
  MaturityRating.MATURITY_RATING_KIDS_7,
  MaturityRating.MATURITY_RATING_TEEN_13,
  MaturityRating.MATURITY_RATING_TEEN_16,
  MaturityRating.MATURITY_RATING_ADULT_18,
];

export function toStoredMaturity(rating: MaturityRating): StoredMaturity | undefined {
  const index = maturityOrder.indexOf(rating);
  return index < 0 ? undefined : ((index + 1) as StoredMaturity);
}

export function fromStoredMaturity(stored: number): MaturityRating {
  return maturityOrder[stored - 1] ?? MaturityRating.MATURITY_RATING_UNSPECIFIED;
}

const typeToStored: Partial<Record<TitleType, StoredTitleType>> = {
  [TitleType.TITLE_TYPE_MOVIE]: 'movie',
  [TitleType.TITLE_TYPE_SERIES]: 'series',
};

export function toStoredType(type: TitleType): StoredTitleType | undefined {
  return typeToStored[type];
}

export function fromStoredType(stored: StoredTitleType): TitleType {
  return stored === 'movie' ? TitleType.TITLE_TYPE_MOVIE : TitleType.TITLE_TYPE_SERIES;
}

const availabilityToStored: Partial<Record<Availability, StoredAvailability>> = {
  [Availability.AVAILABILITY_DRAFT]: 'draft',
  [Availability.AVAILABILITY_PUBLISHED]: 'published',
};

export function toStoredAvailability(availability: Availability): StoredAvailability | undefined {
  return availabilityToStored[availability];
}

export function fromStoredAvailability(stored: StoredAvailability): Availability {
  return stored === 'draft' ? Availability.AVAILABILITY_DRAFT : Availability.AVAILABILITY_PUBLISHED;
}

const roleToStored: Partial<Record<CreditRole, StoredCreditRole>> = {
  [CreditRole.CREDIT_ROLE_DIRECTOR]: 'director',
  [CreditRole.CREDIT_ROLE_WRITER]: 'writer',
  [CreditRole.CREDIT_ROLE_CREATOR]: 'creator',
  [CreditRole.CREDIT_ROLE_CAST]: 'cast',
};

export function toStoredRole(role: CreditRole): StoredCreditRole | undefined {
  return roleToStored[role];
}

export function fromStoredRole(stored: StoredCreditRole): CreditRole {
  const entry = Object.entries(roleToStored).find(([, value]) => value === stored);
  return (entry?.[0] as CreditRole | undefined) ?? CreditRole.CREDIT_ROLE_UNSPECIFIED;
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
