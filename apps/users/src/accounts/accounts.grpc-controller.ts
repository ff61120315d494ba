import {
  ACCOUNT_LIMITS,
  IDEMPOTENCY_KEY,
  type ChangePasswordRequest,
  type ChangePasswordResponse,
  type DeleteAccountRequest,
  type DeleteAccountResponse,
  type GetAccountRequest,
  type GetAccountResponse,
  type GetSigningKeysRequest,
  type GetSigningKeysResponse,
  type LoginRequest,
  type LoginResponse,
  type LogoutRequest,
  type LogoutResponse,
  type RefreshRequest,
  type RefreshResponse,
  type RegisterRequest,
  type RegisterResponse,
  type VerifyAccessTokenRequest,
  type VerifyAccessTokenResponse,
} from '@kinema/contracts';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { Violations } from '../common/input-rules';
import { TokenIntrospection } from '../tokens/token-introspection.service';
import { SessionsService } from '../tokens/sessions.service';
import { USERS_GRPC_SERVICE } from '../users.constants';
import { AccountsService } from './accounts.service';

const REFRESH_TOKEN_MAX_LENGTH = ACCOUNT_LIMITS.refreshTokenLength;

/** Account and session RPCs of kinema.users.v1.UsersService: transport only. */
@Controller()
export class AccountsGrpcController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly sessions: SessionsService,
    private readonly introspection: TokenIntrospection,
  ) {}

  @GrpcMethod(USERS_GRPC_SERVICE, 'register')
  register(request: RegisterRequest): Promise<RegisterResponse> {
    return this.accounts.register(request);
  }

  @GrpcMethod(USERS_GRPC_SERVICE, 'login')
  login(request: LoginRequest): Promise<LoginResponse> {
    return this.accounts.login(request);
  }

  @GrpcMethod(USERS_GRPC_SERVICE, 'refresh')
  async refresh(request: RefreshRequest): Promise<RefreshResponse> {
    checkRefreshToken(request.refreshToken, request.retryKey);
    return this.sessions.refresh(request.refreshToken, request.retryKey || undefined);
  }

  @GrpcMethod(USERS_GRPC_SERVICE, 'logout')
  async logout(request: LogoutRequest): Promise<LogoutResponse> {
    checkRefreshToken(request.refreshToken);
    await this.sessions.endByRefreshToken(request.refreshToken);
    return {};
  }

  @GrpcMethod(USERS_GRPC_SERVICE, 'changePassword')
  async changePassword(request: ChangePasswordRequest): Promise<ChangePasswordResponse> {
    return { tokens: await this.accounts.changePassword(request) };
  }

  @GrpcMethod(USERS_GRPC_SERVICE, 'getAccount')
  async getAccount(request: GetAccountRequest): Promise<GetAccountResponse> {
    return { account: await this.accounts.getAccount(request.accountId) };
  }

  @GrpcMethod(USERS_GRPC_SERVICE, 'deleteAccount')
  async deleteAccount(request: DeleteAccountRequest): Promise<DeleteAccountResponse> {
    await this.accounts.deleteAccount(request);
    return {};
  }

  @GrpcMethod(USERS_GRPC_SERVICE, 'verifyAccessToken')
  verifyAccessToken(request: VerifyAccessTokenRequest): Promise<VerifyAccessTokenResponse> {
    return this.introspection.verify(request.accessToken);
  }

  @GrpcMethod(USERS_GRPC_SERVICE, 'getSigningKeys')
  getSigningKeys(_request: GetSigningKeysRequest): GetSigningKeysResponse {
    return this.introspection.signingKeys();
  }
}

function checkRefreshToken(token: string, retryKey = ''): void {
  const violations = new Violations();
  if (token === '') violations.add('refresh_token', 'is required');
  else if (token.length > REFRESH_TOKEN_MAX_LENGTH)
    violations.add('refresh_token', `must be at most ${REFRESH_TOKEN_MAX_LENGTH} characters`);
  if (retryKey.length > IDEMPOTENCY_KEY.maxLength)
    violations.add('retry_key', `must be at most ${IDEMPOTENCY_KEY.maxLength} characters`);
  violations.throwIfAny();
}
