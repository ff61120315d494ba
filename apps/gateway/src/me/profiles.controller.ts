import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { MATURITY_RATINGS, MaturityRating } from '@kinema/contracts';
import type { FastifyReply } from 'fastify';
import { Access } from '../auth/access-level.decorator';
import { present } from '../auth/auth.views';
import { CurrentPrincipal, type Principal } from '../viewer/principal';
import { ApiProblems } from '../http/api-problems.decorator';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { uuidPipe } from '../http/uuid.pipe';
import { UsersClient } from '../users/users.client';
import { CreateProfileBody, RenameProfileBody } from './dto/me.body';
import { ProfileListView, ProfileView, profileView } from '../viewer/profile.view';
import { ViewingProfiles } from '../viewer/viewing-profiles.service';

const profileIdPipe = uuidPipe('profileId');

@ApiTags('me')
@Controller('me/profiles')
@Access('viewer')
export class ProfilesController {
  constructor(
    private readonly users: UsersClient,
    private readonly viewing: ViewingProfiles,
  ) {}

  @Get()
  @ApiOperation({ summary: "The account's profiles, oldest first (at most five)" })
  @ApiOkResponse({ type: ProfileListView })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProfileListView> {
    const { profiles } = await this.users.listProfiles(principal.accountId);
    void reply.header('cache-control', 'private, no-cache');
    return { items: profiles.map(profileView) };
  }

  @Post()
  @ApiOperation({ summary: 'Create a profile (kids profiles get a maturity ceiling)' })
  @ApiCreatedResponse({ type: ProfileView })
  @ApiProblems(409)
  @Idempotent()
  async create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateProfileBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProfileView> {
    const { profile } = await this.users.createProfile({
      accountId: principal.accountId,
      name: body.name,
      kids: body.kids ?? false,
      maxMaturity: body.maxMaturity
        ? MATURITY_RATINGS.toProto(body.maxMaturity)
        : MaturityRating.MATURITY_RATING_UNSPECIFIED,
    });
    const view = profileView(present(profile, 'a profile'));
    void reply.status(201).header('location', `/api/v1/me/profiles/${view.id}`);
    return view;
  }

  @Patch(':profileId')
  @ApiOperation({ summary: 'Rename a profile' })
  @ApiOkResponse({ type: ProfileView })
  async rename(
    @CurrentPrincipal() principal: Principal,
    @Param('profileId', profileIdPipe) profileId: string,
    @Body() body: RenameProfileBody,
  ): Promise<ProfileView> {
    const { profile } = await this.users.renameProfile({
      accountId: principal.accountId,
      profileId,
      name: body.name,
    });
    return profileView(present(profile, 'a profile'));
  }

  @Delete(':profileId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a profile with its My List and progress (not the last one)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(409)
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param('profileId', profileIdPipe) profileId: string,
  ): Promise<void> {
    await this.users.deleteProfile({ accountId: principal.accountId, profileId });
    this.viewing.forget(principal.accountId, profileId);
  }
}
