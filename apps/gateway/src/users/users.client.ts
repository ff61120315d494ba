import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type {
  AddToMyListRequest,
  AddToMyListResponse,
  ChangePasswordRequest,
  ChangePasswordResponse,
  CreateProfileRequest,
  CreateProfileResponse,
  DeleteAccountRequest,
  DeleteProfileRequest,
  GetAccountResponse,
  GetProfileRequest,
  GetProfileResponse,
  GetSigningKeysResponse,
  ListContinueWatchingRequest,
  ListContinueWatchingResponse,
  ListMyListRequest,
  ListMyListResponse,
  ListProfilesResponse,
  LoginRequest,
  LoginResponse,
  RegisterRequest,
  RegisterResponse,
  RefreshResponse,
  RemoveFromMyListRequest,
  RenameProfileRequest,
  RenameProfileResponse,
  ReportProgressRequest,
  ReportProgressResponse,
  UsersServiceClient,
  VerifyAccessTokenResponse,
} from '@kinema/contracts';
import { callUnary } from '@kinema/platform/grpc';

export const USERS_GRPC_CLIENT = Symbol('USERS_GRPC_CLIENT');

/** Promise-returning face of the users service's gRPC client. */
@Injectable()
export class UsersClient implements OnModuleDestroy {
  constructor(@Inject(USERS_GRPC_CLIENT) private readonly client: UsersServiceClient) {}

  register(request: RegisterRequest): Promise<RegisterResponse> {
    return callUnary(this.client, this.client.register, request);
  }
  login(request: LoginRequest): Promise<LoginResponse> {
    return callUnary(this.client, this.client.login, request);
  }
  /** `retryKey`: the client's key for this exchange, so that it may ask again (see the proto). */
  refresh(refreshToken: string, retryKey = ''): Promise<RefreshResponse> {
    return callUnary(this.client, this.client.refresh, { refreshToken, retryKey });
  }
  async logout(refreshToken: string): Promise<void> {
    await callUnary(this.client, this.client.logout, { refreshToken });
  }
  changePassword(request: ChangePasswordRequest): Promise<ChangePasswordResponse> {
    return callUnary(this.client, this.client.changePassword, request);
  }
  getAccount(accountId: string): Promise<GetAccountResponse> {
    return callUnary(this.client, this.client.getAccount, { accountId });
  }
  async deleteAccount(request: DeleteAccountRequest): Promise<void> {
    await callUnary(this.client, this.client.deleteAccount, request);
  }
  verifyAccessToken(accessToken: string): Promise<VerifyAccessTokenResponse> {
    return callUnary(this.client, this.client.verifyAccessToken, { accessToken });
  }
  getSigningKeys(): Promise<GetSigningKeysResponse> {
    return callUnary(this.client, this.client.getSigningKeys, {});
  }
  listProfiles(accountId: string): Promise<ListProfilesResponse> {
    return callUnary(this.client, this.client.listProfiles, { accountId });
  }
  getProfile(request: GetProfileRequest): Promise<GetProfileResponse> {
    return callUnary(this.client, this.client.getProfile, request);
  }
  createProfile(request: CreateProfileRequest): Promise<CreateProfileResponse> {
    return callUnary(this.client, this.client.createProfile, request);
  }
  renameProfile(request: RenameProfileRequest): Promise<RenameProfileResponse> {
    return callUnary(this.client, this.client.renameProfile, request);
  }
  async deleteProfile(request: DeleteProfileRequest): Promise<void> {
    await callUnary(this.client, this.client.deleteProfile, request);
  }
  addToMyList(request: AddToMyListRequest): Promise<AddToMyListResponse> {
    return callUnary(this.client, this.client.addToMyList, request);
  }
  async removeFromMyList(request: RemoveFromMyListRequest): Promise<void> {
    await callUnary(this.client, this.client.removeFromMyList, request);
  }
  listMyList(request: ListMyListRequest): Promise<ListMyListResponse> {
    return callUnary(this.client, this.client.listMyList, request);
  }
  reportProgress(request: ReportProgressRequest): Promise<ReportProgressResponse> {
    return callUnary(this.client, this.client.reportProgress, request);
  }
  listContinueWatching(
    request: ListContinueWatchingRequest,
  ): Promise<ListContinueWatchingResponse> {
    return callUnary(this.client, this.client.listContinueWatching, request);
  }

  onModuleDestroy(): void {
    this.client.close();
  }
}
