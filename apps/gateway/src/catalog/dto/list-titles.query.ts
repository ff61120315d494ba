import {
  AVAILABILITIES,
  CATALOG_READ_LIMITS as READS,
  GENRE_SLUGS,
  type GenreSlug,
  MATURITY_RATINGS,
  type MaturityRatingName,
  TITLE_SORTS,
  TITLE_TYPES,
  type TitleSortName,
  type TitleTypeName,
} from '@kinema/contracts';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsCursor, IsGenre, IsReleaseYear, QueryInteger } from '../../http/contract-rules';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** Which titles a listing shows: one availability, or `all` of them. */
export const AVAILABILITY_FILTERS = [...AVAILABILITIES.values, 'all'] as const;
export type AvailabilityFilter = (typeof AVAILABILITY_FILTERS)[number];

export class ListTitlesQuery {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: READS.maxPageSize,
    default: READS.defaultPageSize,
  })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(1)
  @Max(READS.maxPageSize)
  limit?: number;

  @IsCursor()
  cursor?: string;

  @ApiPropertyOptional({
    enum: GENRE_SLUGS,
    description: 'Titles of this genre (see GET /genres).',
  })
  @IsOptional()
  @IsGenre({ each: false })
  genre?: GenreSlug;

  @ApiPropertyOptional({ enum: TITLE_TYPES.values })
  @IsOptional()
  @IsIn(TITLE_TYPES.values)
  type?: TitleTypeName;

  @IsOptional()
  @QueryInteger()
  @IsReleaseYear({ required: false, description: 'Released in or after this year.' })
  yearFrom?: number;

  @IsOptional()
  @QueryInteger()
  @IsReleaseYear({ required: false, description: 'Released in or before this year.' })
  yearTo?: number;

  @ApiPropertyOptional({
    enum: MATURITY_RATINGS.values,
    description: 'Hide titles rated above this.',
  })
  @IsOptional()
  @IsIn(MATURITY_RATINGS.values)
  maxMaturity?: MaturityRatingName;

  @ApiPropertyOptional({
    description: 'Full-text search; matches word prefixes, ranked.',
    maxLength: READS.queryLength,
  })
  @IsOptional()
  @IsString()
  @MaxLength(READS.queryLength)
  q?: string;

  @ApiPropertyOptional({
    enum: TITLE_SORTS.values,
    description: 'Default: `relevance` with `q`, else `name`.',
  })
  @IsOptional()
  @IsIn(TITLE_SORTS.values)
  sort?: TitleSortName;

  @ApiPropertyOptional({
    enum: AVAILABILITY_FILTERS,
    default: 'published',
    description: '`draft` and `all` list drafts too: for catalog editors (admins) only.',
  })
  @IsOptional()
  @IsIn(AVAILABILITY_FILTERS)
  availability?: AvailabilityFilter;
}

export class BrowseQuery {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: READS.maxRowLimit,
    default: READS.defaultRowLimit,
    description: 'Titles per row.',
  })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(1)
  @Max(READS.maxRowLimit)
  rowLimit?: number;

  @ApiPropertyOptional({ enum: MATURITY_RATINGS.values })
  @IsOptional()
  @IsIn(MATURITY_RATINGS.values)
  maxMaturity?: MaturityRatingName;
}
