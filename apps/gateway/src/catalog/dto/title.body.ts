import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  availabilities,
  creditRoles,
  maturityRatings,
  titleTypes,
  type AvailabilityName,
  type CreditRoleName,
  type MaturityRatingName,
  type TitleTypeName,
} from '../catalog-vocabulary';
import { SLUG_PATTERN } from './list-titles.query';

const STORAGE_KEY = /^[A-Za-z0-9][A-Za-z0-9/_.-]{0,254}$/;

export class CreditBody {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ enum: creditRoles.values })
  @IsIn(creditRoles.values)
  role!: CreditRoleName;

  @ApiPropertyOptional({ maxLength: 200, description: 'Character played (cast only).' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  character?: string;
}

export class ArtworkBody {
  @ApiPropertyOptional({ description: 'Object-storage key of the poster image.' })
  @IsOptional()
  @IsString()
  @Matches(STORAGE_KEY, { message: 'posterKey must be an object key of letters, digits, / _ . -' })
  posterKey?: string;

  @ApiPropertyOptional({ description: 'Object-storage key of the backdrop image.' })
  @IsOptional()
  @IsString()
  @Matches(STORAGE_KEY, {
    message: 'backdropKey must be an object key of letters, digits, / _ . -',
  })
  backdropKey?: string;
}

export class EpisodeBody {
  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(1000)
  number!: number;

  @ApiProperty({ maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  synopsis?: string;

  @ApiProperty({ minimum: 0, maximum: 1000 })
  @IsInt()
  @Min(0)
  @Max(1000)
  runtimeMinutes!: number;
}

export class SeasonBody {
  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(1000)
  number!: number;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1888)
  @Max(2100)
  releaseYear?: number;

  @ApiProperty({ type: [EpisodeBody] })
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => EpisodeBody)
  episodes!: EpisodeBody[];
}

/** A title as clients write it (POST, PUT; every field optional in PATCH). */
export class TitleBody {
  @ApiProperty({ example: 'galaxy-drifters', pattern: SLUG_PATTERN.source, maxLength: 100 })
  @IsString()
  @MaxLength(100)
  @Matches(SLUG_PATTERN, {
    message: 'slug must be lower-case words of letters and digits joined by -',
  })
  slug!: string;

  @ApiProperty({ enum: titleTypes.values })
  @IsIn(titleTypes.values)
  type!: TitleTypeName;

  @ApiProperty({ maxLength: 200, example: 'Galaxy Drifters' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  synopsis?: string;

  @ApiProperty({ minimum: 1888, maximum: 2100 })
  @IsInt()
  @Min(1888)
  @Max(2100)
  releaseYear!: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 1000, description: 'Movies only.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1000)
  runtimeMinutes?: number;

  @ApiProperty({ enum: maturityRatings.values })
  @IsIn(maturityRatings.values)
  maturityRating!: MaturityRatingName;

  @ApiProperty({
    type: [String],
    description: 'Genre slugs (see GET /genres).',
    example: ['sci-fi'],
  })
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @Matches(SLUG_PATTERN, { each: true, message: 'each genre must be a genre slug' })
  genres!: string[];

  @ApiPropertyOptional({ type: [CreditBody] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CreditBody)
  credits?: CreditBody[];

  @ApiPropertyOptional({ type: ArtworkBody })
  @IsOptional()
  @ValidateNested()
  @Type(() => ArtworkBody)
  artwork?: ArtworkBody;

  @ApiPropertyOptional({ enum: availabilities.values, default: 'draft' })
  @IsOptional()
  @IsIn(availabilities.values)
  availability?: AvailabilityName;

  @ApiPropertyOptional({ minimum: 0, maximum: 1_000_000 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1_000_000)
  popularity?: number;

  @ApiPropertyOptional({ type: [SeasonBody], description: 'Series only; replaces every season.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => SeasonBody)
  seasons?: SeasonBody[];
}

export class TitlePatchBody extends PartialType(TitleBody) {}
