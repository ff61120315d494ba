import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

/** A playback grant: two base64url parts (claims, signature) joined by a dot. */
export const GRANT_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const GRANT_MAX_LENGTH = 2048;

export class StreamQuery {
  @ApiPropertyOptional({
    description:
      'A playback grant from POST .../playback; replaces the Authorization and X-Profile-Id headers.',
    pattern: GRANT_PATTERN.source,
    maxLength: GRANT_MAX_LENGTH,
  })
  @IsOptional()
  @IsString()
  @MaxLength(GRANT_MAX_LENGTH)
  @Matches(GRANT_PATTERN, { message: 'grant must be a playback grant from POST .../playback' })
  grant?: string;
}
