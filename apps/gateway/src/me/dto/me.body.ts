import {
  ACCOUNT_LIMITS,
  KIDS_DEFAULT_CEILING,
  KIDS_MAX_CEILING,
  LIBRARY_LIMITS,
  MATURITY_RATINGS,
  type MaturityRatingName,
} from '@kinema/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { IsCursor, IsUuidText, QueryInteger } from '../../http/contract-rules';

const { passwordMinLength, passwordMaxLength: PASSWORD_MAX } = ACCOUNT_LIMITS;
const PROFILE_NAME_MAX = ACCOUNT_LIMITS.profileNameLength;
// Users stores positions up to a day; a larger number is a client bug, not a long film.
const MAX_SECONDS = LIBRARY_LIMITS.durationSeconds;
const kidsDefault = MATURITY_RATINGS.toName(KIDS_DEFAULT_CEILING);
const kidsMax = MATURITY_RATINGS.toName(KIDS_MAX_CEILING);

export class CurrentPasswordBody {
  @ApiProperty({ minLength: 1, maxLength: PASSWORD_MAX })
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX)
  currentPassword!: string;
}

export class ChangePasswordBody extends CurrentPasswordBody {
  @ApiProperty({ minLength: passwordMinLength, maxLength: PASSWORD_MAX })
  @IsString()
  @MinLength(passwordMinLength, {
    message: `the new password must have at least ${passwordMinLength} characters`,
  })
  @MaxLength(PASSWORD_MAX)
  newPassword!: string;
}

export class CreateProfileBody {
  @ApiProperty({ minLength: 1, maxLength: PROFILE_NAME_MAX, example: 'Kids' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(PROFILE_NAME_MAX)
  name!: string;

  @ApiPropertyOptional({
    default: false,
    description: `Kids profiles see at most \`${kidsMax}\` (default \`${kidsDefault}\`).`,
  })
  @IsOptional()
  @IsBoolean()
  kids?: boolean;

  @ApiPropertyOptional({
    enum: MATURITY_RATINGS.values,
    description: 'Maturity ceiling of the profile.',
  })
  @IsOptional()
  @IsIn(MATURITY_RATINGS.values)
  maxMaturity?: MaturityRatingName;
}

export class RenameProfileBody {
  @ApiProperty({ minLength: 1, maxLength: PROFILE_NAME_MAX })
  @IsString()
  @IsNotEmpty()
  @MaxLength(PROFILE_NAME_MAX)
  name!: string;
}

export class ProgressBody {
  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: MAX_SECONDS,
    description: 'Playback position in seconds.',
  })
  @IsInt()
  @Min(0)
  @Max(MAX_SECONDS)
  positionSeconds!: number;

  @IsOptional()
  @IsUuidText('episodeId', { required: false, description: 'The episode, for a series.' })
  episodeId?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_SECONDS,
    description:
      "Length of what is playing; defaults to the catalog's runtime of the title or episode.",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_SECONDS)
  durationSeconds?: number;
}

export class MyListQuery {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: LIBRARY_LIMITS.maxMyListPage,
    default: LIBRARY_LIMITS.defaultMyListPage,
  })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(1)
  @Max(LIBRARY_LIMITS.maxMyListPage)
  limit?: number;

  @IsCursor()
  cursor?: string;
}

export class ContinueWatchingQuery {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: LIBRARY_LIMITS.maxContinueWatching,
    default: LIBRARY_LIMITS.defaultContinueWatching,
  })
  @IsOptional()
  @QueryInteger()
  @IsInt()
  @Min(1)
  @Max(LIBRARY_LIMITS.maxContinueWatching)
  limit?: number;
}
