import type {
  CreateProfileRequest,
  CreateProfileResponse,
  DeleteProfileRequest,
  DeleteProfileResponse,
  GetProfileRequest,
  GetProfileResponse,
  ListProfilesRequest,
  ListProfilesResponse,
  RenameProfileRequest,
  RenameProfileResponse,
} from '@kinema/contracts';
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { USERS_GRPC_SERVICE } from '../users.constants';
import { ProfilesService } from './profiles.service';

/** The profile RPCs of kinema.users.v1.UsersService: transport only. */
@Controller()
export class ProfilesGrpcController {
  constructor(private readonly profiles: ProfilesService) {}

  @GrpcMethod(USERS_GRPC_SERVICE, 'listProfiles')
  async listProfiles(request: ListProfilesRequest): Promise<ListProfilesResponse> {
    return { profiles: await this.profiles.list(request.accountId) };
  }

  @GrpcMethod(USERS_GRPC_SERVICE, 'getProfile')
  async getProfile(request: GetProfileRequest): Promise<GetProfileResponse> {
    return { profile: await this.profiles.get(request) };
  }

  @GrpcMethod(USERS_GRPC_SERVICE, 'createProfile')
  async createProfile(request: CreateProfileRequest): Promise<CreateProfileResponse> {
    return { profile: await this.profiles.create(request) };
  }

  @GrpcMethod(USERS_GRPC_SERVICE, 'renameProfile')
  async renameProfile(request: RenameProfileRequest): Promise<RenameProfileResponse> {
    return { profile: await this.profiles.rename(request) };
  }

  @GrpcMethod(USERS_GRPC_SERVICE, 'deleteProfile')
  async deleteProfile(request: DeleteProfileRequest): Promise<DeleteProfileResponse> {
    await this.profiles.delete(request);
    return {};
  }
}
