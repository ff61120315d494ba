import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { maturityRatings, type MaturityRatingName } from '../../catalog/catalog-vocabulary';
import { PASSWORD_MAX } from '../../auth/dto/auth.body';

const PROFILE_NAME_MAX = 50;
// Users stores positions up to a day; a larger number is a client bug, not a long film.
const MAX_SECONDS = 86_400;

export class CurrentPasswordBody {
  @ApiProperty({ maxLength: PASSWORD_MAX })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX)
  currentPassword!: string;
}

export class ChangePasswordBody extends CurrentPasswordBody {
  @ApiProperty({ minLength: 8, maxLength: PASSWORD_MAX })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX)
  newPassword!: string;
}

export class CreateProfileBody {
  @ApiProperty({ minLength: 1, maxLength: PROFILE_NAME_MAX, example: 'Kids' })
  @IsString()
  @MinLength(1)
  @MaxLength(PROFILE_NAME_MAX)
  name!: string;

  @ApiPropertyOptional({ default: false, description: 'Kids profiles see at most `13+` (default `7+`).' })
  @IsOptional()
  @IsBoolean()
  kids?: boolean;

  @ApiPropertyOptional({ enum: maturityRatings.values, description: 'Maturity ceiling of the profile.' })
  @IsOptional()
  @IsIn(maturityRatings.values)
  maxMaturity?: MaturityRatingName;
}

export class RenameProfileBody {
  @ApiProperty({ minLength: 1, maxLength: PROFILE_NAME_MAX })
  @IsString()
  @MinLength(1)
  @MaxLength(PROFILE_NAME_MAX)
  name!: string;
}

export class ProgressBody {
  @ApiProperty({ minimum: 0, maximum: MAX_SECONDS, description: 'Playback position in seconds.' })
  @IsInt()
  @Min(0)
  @Max(MAX_SECONDS)
  positionSeconds!: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'The episode, for a series.' })
  @IsOptional()
  @IsUUID()
  episodeId?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_SECONDS,
    description: "Length of what is playing; defaults to the catalog's runtime of the title or episode.",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SECONDS)
  durationSeconds?: number;
}

export class MyListQuery {
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
}

export class ContinueWatchingQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;
}
