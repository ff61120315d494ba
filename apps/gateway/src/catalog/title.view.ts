import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ARTWORK_KEY,
  AVAILABILITIES,
  type AvailabilityName,
  type BrowseRow,
  CREDIT_ROLES,
  type CreditRoleName,
  GENRE_SLUGS,
  type Genre,
  MATURITY_RATINGS,
  type MaturityRatingName,
  type Season,
  type Title,
  TITLE_TYPES,
  type TitleTypeName,
} from '@kinema/contracts';

// What clients read. Classes (not interfaces) so @nestjs/swagger can document the responses.

/** A stored artwork key, or empty for none. */
const ARTWORK_VIEW_PATTERN = `^$|${ARTWORK_KEY.pattern.source}`;

export class GenreView {
  @ApiProperty({ enum: GENRE_SLUGS, example: 'sci-fi' }) slug!: string;
  @ApiProperty({ example: 'Science Fiction' }) name!: string;
}

export class CreditView {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: CREDIT_ROLES.values }) role!: CreditRoleName;
  @ApiPropertyOptional() character?: string;
}

export class EpisodeView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: 'integer' }) number!: number;
  @ApiProperty() name!: string;
  @ApiProperty() synopsis!: string;
  @ApiProperty({ type: 'integer' }) runtimeMinutes!: number;
  @ApiProperty({
    type: 'integer',
    description: 'Length of its video, once one is ready; 0 before.',
  })
  durationSeconds!: number;
  @ApiProperty() playable!: boolean;
}

export class SeasonView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: 'integer' }) number!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'integer' }) releaseYear!: number;
  @ApiProperty({ type: [EpisodeView] }) episodes!: EpisodeView[];
}

/** Object-storage keys of the title's images; empty when it has none. */
export class ArtworkView {
  @ApiProperty({ pattern: ARTWORK_VIEW_PATTERN, example: 'artwork/x/poster.jpg' })
  posterKey!: string;
  @ApiProperty({ pattern: ARTWORK_VIEW_PATTERN, example: 'artwork/x/backdrop.jpg' })
  backdropKey!: string;
}

export class TitleView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() slug!: string;
  @ApiProperty({ enum: TITLE_TYPES.values }) type!: TitleTypeName;
  @ApiProperty() name!: string;
  @ApiProperty() synopsis!: string;
  @ApiProperty({ type: 'integer' }) releaseYear!: number;
  @ApiProperty({ type: 'integer', description: 'Movies only; 0 for series.' })
  runtimeMinutes!: number;
  @ApiProperty({ enum: MATURITY_RATINGS.values }) maturityRating!: MaturityRatingName;
  @ApiProperty({ type: [GenreView] }) genres!: GenreView[];
  @ApiProperty({ type: [CreditView] }) credits!: CreditView[];
  @ApiProperty({ type: ArtworkView }) artwork!: ArtworkView;
  @ApiProperty({ enum: AVAILABILITIES.values }) availability!: AvailabilityName;
  @ApiProperty() playable!: boolean;
  @ApiProperty({
    type: 'integer',
    description: 'Length of its video, once one is ready; 0 before (and for series).',
  })
  durationSeconds!: number;
  @ApiProperty() popularity!: number;
  @ApiProperty({ type: 'integer', description: 'Optimistic-concurrency version; also the ETag.' })
  version!: number;
  @ApiPropertyOptional({ type: [SeasonView], description: 'Only on GET /titles/{id}.' })
  seasons?: SeasonView[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class TitlePageView {
  @ApiProperty({ type: [TitleView] }) items!: TitleView[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page; null on the last.',
  })
  nextCursor!: string | null;
}

export class GenreListView {
  @ApiProperty({ type: [GenreView] }) items!: GenreView[];
}

export class BrowseRowView {
  @ApiProperty({ example: 'new-releases' }) id!: string;
  @ApiProperty({ example: 'New releases' }) name!: string;
  @ApiProperty({ type: [TitleView] }) items!: TitleView[];
}

/** Where a profile stopped in a title it started (an episode's position for a series). */
export class BrowseProgressView {
  @ApiProperty({ format: 'uuid' }) titleId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) episodeId!: string | null;
  @ApiProperty({ type: 'integer' }) positionSeconds!: number;
  @ApiProperty({ type: 'integer' }) durationSeconds!: number;
}

export class BrowseView {
  @ApiProperty({ type: [BrowseRowView] }) rows!: BrowseRowView[];
  @ApiPropertyOptional({
    type: [BrowseProgressView],
    description:
      'Browsing as a profile: where it stopped in each title of the Continue watching row, so ' +
      'the page can offer Resume without asking again.',
  })
  progress?: BrowseProgressView[];
}

function seasonView(season: Season): SeasonView {
  return {
    id: season.id,
    number: season.number,
    name: season.name,
    releaseYear: season.releaseYear,
    episodes: season.episodes.map((e) => ({
      id: e.id,
      number: e.number,
      name: e.name,
      synopsis: e.synopsis,
      runtimeMinutes: e.runtimeMinutes,
      durationSeconds: e.durationSeconds,
      playable: e.playable,
    })),
  };
}

export function genreView(genre: Genre): GenreView {
  return { slug: genre.slug, name: genre.name };
}

export function titleView(title: Title, withSeasons = false): TitleView {
  return {
    id: title.id,
    slug: title.slug,
    type: TITLE_TYPES.toName(title.type) ?? 'movie',
    name: title.name,
    synopsis: title.synopsis,
    releaseYear: title.releaseYear,
    runtimeMinutes: title.runtimeMinutes,
    maturityRating: MATURITY_RATINGS.toName(title.maturityRating) ?? '18+',
    genres: title.genres.map(genreView),
    credits: title.credits.map((c) => ({
      name: c.personName,
      role: CREDIT_ROLES.toName(c.role) ?? 'cast',
      ...(c.character ? { character: c.character } : {}),
    })),
    artwork: {
      posterKey: title.artwork?.posterKey ?? '',
      backdropKey: title.artwork?.backdropKey ?? '',
    },
    availability: AVAILABILITIES.toName(title.availability) ?? 'draft',
    playable: title.playable,
    durationSeconds: title.durationSeconds,
    popularity: title.popularity,
    version: title.version,
    ...(withSeasons ? { seasons: title.seasons.map(seasonView) } : {}),
    createdAt: (title.createTime ?? new Date(0)).toISOString(),
    updatedAt: (title.updateTime ?? new Date(0)).toISOString(),
  };
}

export function browseRowView(row: BrowseRow): BrowseRowView {
  return { id: row.id, name: row.name, items: row.titles.map((t) => titleView(t)) };
}
