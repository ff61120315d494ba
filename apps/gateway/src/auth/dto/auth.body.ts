import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

// Upper bounds mirror the users service's rules, so oversized input is refused here, before it
// costs a gRPC call or an argon2 hash; the users service still decides what is valid.
export const EMAIL_MAX = 254;
export const PASSWORD_MAX = 128;
// Refresh tokens are opaque, a few dozen characters; this leaves room without inviting abuse.
const REFRESH_TOKEN_MAX = 512;

export class CredentialsBody {
  @ApiProperty({ example: 'ada@example.com', maxLength: EMAIL_MAX })
  @IsString()
  @MinLength(1)
  @MaxLength(EMAIL_MAX)
  email!: string;

  @ApiProperty({ example: 'correct horse battery staple', minLength: 8, maxLength: PASSWORD_MAX })
  @IsString()
  @MinLength(1)
  @MaxLength(PASSWORD_MAX)
  password!: string;
}

export class RefreshBody {
  @ApiProperty({ description: 'The refresh token of the last sign-in or refresh (single use).' })
  @IsString()
  @MinLength(1)
  @MaxLength(REFRESH_TOKEN_MAX)
  refreshToken!: string;
}
