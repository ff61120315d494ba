import { ApiProperty } from '@nestjs/swagger';
import {
  ACCOUNT_ROLES,
  accountRoleOf,
  type Account,
  type AccountRoleName,
  type AuthTokens,
} from '@kinema/contracts';
import { ProfileView } from '../viewer/profile.view';

export class AccountView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'ada@example.com' }) email!: string;
  @ApiProperty({ enum: ACCOUNT_ROLES.values }) role!: AccountRoleName;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class TokensView {
  @ApiProperty({ description: 'ES256 JWT; send as `Authorization: Bearer <accessToken>`.' })
  accessToken!: string;
  @ApiProperty({ example: 'Bearer' }) tokenType!: 'Bearer';
  @ApiProperty({ format: 'date-time' }) accessTokenExpiresAt!: string;
  @ApiProperty({
    required: false,
    description:
      'Opaque and single use: exchange it at POST /auth/refresh. Absent in cookie mode ' +
      '(X-Session-Mode: cookie), where it travels only in the HttpOnly session cookie.',
  })
  refreshToken?: string;
  @ApiProperty({ format: 'date-time' }) refreshTokenExpiresAt!: string;
  @ApiProperty({ format: 'uuid', description: 'The session both tokens belong to.' })
  sessionId!: string;
}

export class SignInView {
  @ApiProperty({ type: AccountView }) account!: AccountView;
  @ApiProperty({ type: TokensView }) tokens!: TokensView;
}

export class RegisteredView extends SignInView {
  @ApiProperty({ type: ProfileView, description: 'The profile every new account starts with.' })
  profile!: ProfileView;
}

export class RefreshedView {
  @ApiProperty({ type: TokensView }) tokens!: TokensView;
}

export class SessionRefreshView extends RefreshedView {
  @ApiProperty({ type: AccountView, description: 'The account the session belongs to.' })
  account!: AccountView;
}

/** A successful users answer always carries its message; its absence is a bug, not a 4xx. */
export function present<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`users service answered without ${what}`);
  return value;
}

export function accountView(account: Account): AccountView {
  return {
    id: account.id,
    email: account.email,
    role: accountRoleOf(account.role),
    createdAt: (account.createTime ?? new Date(0)).toISOString(),
  };
}

export function tokensView(tokens: AuthTokens): TokensView {
  return {
    accessToken: tokens.accessToken,
    tokenType: 'Bearer',
    accessTokenExpiresAt: (tokens.accessTokenExpireTime ?? new Date(0)).toISOString(),
    refreshToken: tokens.refreshToken,
    refreshTokenExpiresAt: (tokens.refreshTokenExpireTime ?? new Date(0)).toISOString(),
    sessionId: tokens.sessionId,
  };
}
