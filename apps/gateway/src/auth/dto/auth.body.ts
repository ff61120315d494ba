import { ACCOUNT_LIMITS, EMAIL_PATTERN } from '@kinema/contracts';
import { ApiProperty } from '@nestjs/swagger';
import {
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateBy,
} from 'class-validator';

// Upper bounds are the users service's (libs/contracts), so oversized input is refused here,
// before it costs a gRPC call or an argon2 hash; the users service still decides what is valid.
const { emailLength, passwordMinLength, passwordMaxLength, refreshTokenLength } = ACCOUNT_LIMITS;

/** Sign-in: any password up to the maximum (whatever was set is what is checked). */
export class CredentialsBody {
  @ApiProperty({ example: 'ada@example.com', minLength: 1, maxLength: emailLength })
  @IsString()
  @IsNotEmpty()
  @MaxLength(emailLength)
  email!: string;

  @ApiProperty({
    example: 'correct horse battery staple',
    minLength: 1,
    maxLength: passwordMaxLength,
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(passwordMaxLength)
  password!: string;
}

/**
 * The users service's email shape, checked here too so that a sign-up with a bad email and a
 * short password hears of both at once (it trims and lower-cases before it checks, and so does
 * this).
 */
function IsEmailShaped(): PropertyDecorator {
  return ValidateBy({
    name: 'isEmailShaped',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && EMAIL_PATTERN.test(value.trim().toLowerCase()),
      defaultMessage: () => 'email must be an email address, like ada@example.com',
    },
  });
}

/** A new account: an email's shape, and a password of the minimum length. */
export class RegisterBody extends CredentialsBody {
  @ApiProperty({ example: 'ada@example.com', minLength: 1, maxLength: emailLength })
  @IsString()
  @IsNotEmpty()
  @MaxLength(emailLength)
  @IsEmailShaped()
  declare email: string;

  @ApiProperty({
    example: 'correct horse battery staple',
    minLength: passwordMinLength,
    maxLength: passwordMaxLength,
    description: `At least ${passwordMinLength} characters.`,
  })
  @IsString()
  @MinLength(passwordMinLength, {
    message: `password must have at least ${passwordMinLength} characters`,
  })
  @MaxLength(passwordMaxLength)
  declare password: string;
}

export class RefreshBody {
  @ApiProperty({
    required: false,
    description:
      'The refresh token of the last sign-in or refresh (single use). Required unless the ' +
      'request is in cookie mode (X-Session-Mode: cookie), which reads it from the cookie.',
    minLength: 1,
    maxLength: refreshTokenLength,
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(refreshTokenLength)
  refreshToken?: string;
}
