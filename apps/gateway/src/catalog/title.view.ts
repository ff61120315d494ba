import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { BrowseRow, Genre, Season, Title } from '@kinema/contracts';
import {
  availabilities,
  creditRoles,
  maturityRatings,
  titleTypes,
  type AvailabilityName,
  type CreditRoleName,
  type MaturityRatingName,
  type TitleTypeName,
} from './catalog-vocabulary';

// What clients read. Classes (not interfaces) so @nestjs/swagger can document the responses.

export class GenreView {
  @ApiProperty({ example: 'sci-fi' }) slug!: string;
  @ApiProperty({ example: 'Sci-Fi' }) name!: string;
}

export class CreditView {
  @ApiProperty() name!: string;
  @ApiProperty({ enum: creditRoles.values }) role!: CreditRoleName;
  @ApiPropertyOptional() character?: string;
}

export class EpisodeView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() number!: number;
  @ApiProperty() name!: string;
  @ApiProperty() synopsis!: string;
  @ApiProperty() runtimeMinutes!: number;
  @ApiProperty({ description: 'Length of its video, once one is ready; 0 before.' })
  durationSeconds!: number;
  @ApiProperty() playable!: boolean;
}

export class SeasonView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() number!: number;
  @ApiProperty() name!: string;
  @ApiProperty() releaseYear!: number;
  @ApiProperty({ type: [EpisodeView] }) episodes!: EpisodeView[];
}

export class TitleView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() slug!: string;
  @ApiProperty({ enum: titleTypes.values }) type!: TitleTypeName;
  @ApiProperty() name!: string;
  @ApiProperty() synopsis!: string;
  @ApiProperty() releaseYear!: number;
  @ApiProperty({ description: 'Movies only; 0 for series.' }) runtimeMinutes!: number;
  @ApiProperty({ enum: maturityRatings.values }) maturityRating!: MaturityRatingName;
  @ApiProperty({ type: [GenreView] }) genres!: GenreView[];
  @ApiProperty({ type: [CreditView] }) credits!: CreditView[];
  @ApiProperty({
    example: { posterKey: 'artwork/x/poster.jpg', backdropKey: 'artwork/x/backdrop.jpg' },
  })
  artwork!: { posterKey: string; backdropKey: string };
  @ApiProperty({ enum: availabilities.values }) availability!: AvailabilityName;
  @ApiProperty() playable!: boolean;
  @ApiProperty({
    description: 'Length of its video, once one is ready; 0 before (and for series).',
  })
  durationSeconds!: number;
  @ApiProperty() popularity!: number;
  @ApiProperty({ description: 'Optimistic-concurrency version; also the ETag.' }) version!: number;
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

export class BrowseView {
  @ApiProperty({ type: [BrowseRowView] }) rows!: BrowseRowView[];
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
    type: titleTypes.toRest(title.type) ?? 'movie',
    name: title.name,
    synopsis: title.synopsis,
    releaseYear: title.releaseYear,
    runtimeMinutes: title.runtimeMinutes,
    maturityRating: maturityRatings.toRest(title.maturityRating) ?? '18+',
    genres: title.genres.map(genreView),
    credits: title.credits.map((c) => ({
      name: c.personName,
      role: creditRoles.toRest(c.role) ?? 'cast',
      ...(c.character ? { character: c.character } : {}),
    })),
    artwork: {
      posterKey: title.artwork?.posterKey ?? '',
      backdropKey: title.artwork?.backdropKey ?? '',
    },
    availability: availabilities.toRest(title.availability) ?? 'draft',
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
