import {
  ARTWORK_KEY,
  AVAILABILITIES,
  type AvailabilityName,
  CREDIT_ROLES,
  type CreditRoleName,
  GENRE_SLUGS,
  type GenreSlug,
  MATURITY_RATINGS,
  SLUG_PATTERN,
  TITLE_LIMITS as LIMITS,
  type MaturityRatingName,
  TITLE_TYPES,
  type TitleTypeName,
} from '@kinema/contracts';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsGenre, IsReleaseYear } from '../../http/contract-rules';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

const ARTWORK_MESSAGE = `must be an object key of at most ${ARTWORK_KEY.maxLength} letters, digits and / _ . -`;

export class CreditBody {
  @ApiProperty({ minLength: 1, maxLength: LIMITS.personNameLength })
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.personNameLength)
  name!: string;

  @ApiProperty({ enum: CREDIT_ROLES.values })
  @IsIn(CREDIT_ROLES.values)
  role!: CreditRoleName;

  @ApiPropertyOptional({
    maxLength: LIMITS.characterLength,
    description: 'Character played (cast only).',
  })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.characterLength)
  character?: string;
}

export class ArtworkBody {
  @ApiPropertyOptional({
    description: 'Object-storage key of the poster image.',
    maxLength: ARTWORK_KEY.maxLength,
    pattern: ARTWORK_KEY.pattern.source,
  })
  @IsOptional()
  @IsString()
  @Matches(ARTWORK_KEY.pattern, { message: `posterKey ${ARTWORK_MESSAGE}` })
  posterKey?: string;

  @ApiPropertyOptional({
    description: 'Object-storage key of the backdrop image.',
    maxLength: ARTWORK_KEY.maxLength,
    pattern: ARTWORK_KEY.pattern.source,
  })
  @IsOptional()
  @IsString()
  @Matches(ARTWORK_KEY.pattern, { message: `backdropKey ${ARTWORK_MESSAGE}` })
  backdropKey?: string;
}

export class EpisodeBody {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: LIMITS.partNumber })
  @IsInt()
  @Min(1)
  @Max(LIMITS.partNumber)
  number!: number;

  @ApiProperty({ minLength: 1, maxLength: LIMITS.nameLength })
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.nameLength)
  name!: string;

  @ApiPropertyOptional({ maxLength: LIMITS.synopsisLength })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.synopsisLength)
  synopsis?: string;

  @ApiProperty({ type: 'integer', minimum: 0, maximum: LIMITS.runtimeMinutes })
  @IsInt()
  @Min(0)
  @Max(LIMITS.runtimeMinutes)
  runtimeMinutes!: number;
}

export class SeasonBody {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: LIMITS.partNumber })
  @IsInt()
  @Min(1)
  @Max(LIMITS.partNumber)
  number!: number;

  @ApiPropertyOptional({ maxLength: LIMITS.nameLength })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.nameLength)
  name?: string;

  @IsOptional()
  @IsReleaseYear({ required: false })
  releaseYear?: number;

  @ApiProperty({ type: [EpisodeBody], maxItems: LIMITS.episodesPerSeason })
  @IsArray()
  @ArrayMaxSize(LIMITS.episodesPerSeason)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => EpisodeBody)
  episodes!: EpisodeBody[];
}

/** A title as clients write it (POST, PUT; every field optional in PATCH). */
export class TitleBody {
  @ApiProperty({
    example: 'galaxy-drifters',
    pattern: SLUG_PATTERN.source,
    maxLength: LIMITS.slugLength,
  })
  @IsString()
  @MaxLength(LIMITS.slugLength)
  @Matches(SLUG_PATTERN, {
    message: 'slug must be lower-case words of letters and digits joined by -',
  })
  slug!: string;

  @ApiProperty({ enum: TITLE_TYPES.values })
  @IsIn(TITLE_TYPES.values)
  type!: TitleTypeName;

  @ApiProperty({ minLength: 1, maxLength: LIMITS.nameLength, example: 'Galaxy Drifters' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(LIMITS.nameLength)
  name!: string;

  @ApiPropertyOptional({ maxLength: LIMITS.synopsisLength })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.synopsisLength)
  synopsis?: string;

  @IsReleaseYear({ required: true })
  releaseYear!: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: LIMITS.runtimeMinutes,
    description: 'Movies only.',
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(LIMITS.runtimeMinutes)
  runtimeMinutes?: number;

  @ApiProperty({ enum: MATURITY_RATINGS.values })
  @IsIn(MATURITY_RATINGS.values)
  maturityRating!: MaturityRatingName;

  @ApiProperty({
    enum: GENRE_SLUGS,
    isArray: true,
    description: 'Genre slugs (see GET /genres).',
    example: ['sci-fi'],
    maxItems: LIMITS.genres,
  })
  @IsArray()
  @ArrayMaxSize(LIMITS.genres)
  @IsGenre({ each: true })
  genres!: GenreSlug[];

  @ApiPropertyOptional({ type: [CreditBody], maxItems: LIMITS.credits })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIMITS.credits)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => CreditBody)
  credits?: CreditBody[];

  @ApiPropertyOptional({ type: ArtworkBody })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ArtworkBody)
  artwork?: ArtworkBody;

  @ApiPropertyOptional({ enum: AVAILABILITIES.values, default: 'draft' })
  @IsOptional()
  @IsIn(AVAILABILITIES.values)
  availability?: AvailabilityName;

  @ApiPropertyOptional({ minimum: 0, maximum: LIMITS.popularity })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'popularity must be a number' })
  @Min(0)
  @Max(LIMITS.popularity)
  popularity?: number;

  @ApiPropertyOptional({
    type: [SeasonBody],
    maxItems: LIMITS.seasons,
    description: 'Series only; replaces every season.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(LIMITS.seasons)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => SeasonBody)
  seasons?: SeasonBody[];
}

export class TitlePatchBody extends PartialType(TitleBody) {}
