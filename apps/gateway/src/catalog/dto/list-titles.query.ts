import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import {
  maturityRatings,
  titleSorts,
  titleTypes,
  type MaturityRatingName,
  type TitleSortName,
  type TitleTypeName,
} from '../catalog-vocabulary';

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_YEAR = 2100;

export class ListTitlesQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page (`nextCursor`).' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  @Matches(/^[A-Za-z0-9_.-]+$/, { message: 'cursor must be a cursor returned by a previous page' })
  cursor?: string;

  @ApiPropertyOptional({ description: 'Genre slug, e.g. `sci-fi` (see GET /genres).' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(SLUG_PATTERN, { message: 'genre must be a genre slug' })
  genre?: string;

  @ApiPropertyOptional({ enum: titleTypes.values })
  @IsOptional()
  @IsIn(titleTypes.values)
  type?: TitleTypeName;

  @ApiPropertyOptional({ minimum: 1888, maximum: MAX_YEAR })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1888)
  @Max(MAX_YEAR)
  yearFrom?: number;

  @ApiPropertyOptional({ minimum: 1888, maximum: MAX_YEAR })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1888)
  @Max(MAX_YEAR)
  yearTo?: number;

  @ApiPropertyOptional({
    enum: maturityRatings.values,
    description: 'Hide titles rated above this.',
  })
  @IsOptional()
  @IsIn(maturityRatings.values)
  maxMaturity?: MaturityRatingName;

  @ApiPropertyOptional({
    description: 'Full-text search; matches word prefixes, ranked.',
    maxLength: 200,
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({
    enum: titleSorts.values,
    description: 'Default: `relevance` with `q`, else `name`.',
  })
  @IsOptional()
  @IsIn(titleSorts.values)
  sort?: TitleSortName;
}

export class BrowseQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 20, description: 'Titles per row.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  rowLimit?: number;

  @ApiPropertyOptional({ enum: maturityRatings.values })
  @IsOptional()
  @IsIn(maturityRatings.values)
  maxMaturity?: MaturityRatingName;
}
