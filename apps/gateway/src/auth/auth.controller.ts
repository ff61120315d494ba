import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblems } from '../http/api-problems.decorator';
import { AuthRateLimited } from '../rate-limit/rate-limit.decorator';
import { UsersClient } from '../users/users.client';
import { Access } from './access-level.decorator';
import {
  accountView,
  present,
  RefreshedView,
  RegisteredView,
  SignInView,
  tokensView,
} from './auth.views';
import { CredentialsBody, RefreshBody, RegisterBody } from './dto/auth.body';
import { principalOf } from './principal';
import { SessionCheck } from './session-check';
import { profileView } from '../me/profile.view';

// Token responses must never be stored by a cache (RFC 6749 section 5.1).
function noStore(reply: FastifyReply): void {
  void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

@ApiTags('auth')
@Controller('auth')
@Access('public')
@AuthRateLimited()
export class AuthController {
  constructor(
    private readonly users: UsersClient,
    private readonly sessions: SessionCheck,
  ) {}

  @Post('register')
  @ApiOperation({ summary: 'Create an account (a viewer) and sign in' })
  @ApiCreatedResponse({ type: RegisteredView })
  @ApiProblems(409)
  async register(
    @Body() body: RegisterBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegisteredView> {
    const answer = await this.users.register({ email: body.email, password: body.password });
    noStore(reply);
    void reply.status(201).header('location', '/api/v1/me');
    return {
      account: accountView(present(answer.account, 'an account')),
      tokens: tokensView(present(answer.tokens, 'tokens')),
      profile: profileView(present(answer.profile, 'a profile')),
    };
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password' })
  @ApiOkResponse({ type: SignInView })
  @ApiProblems(401)
  async login(
    @Body() body: CredentialsBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SignInView> {
    const answer = await this.users.login({ email: body.email, password: body.password });
    noStore(reply);
    return {
      account: accountView(present(answer.account, 'an account')),
      tokens: tokensView(present(answer.tokens, 'tokens')),
    };
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Exchange a refresh token for a new pair',
    description:
      'Refresh tokens are single use. Presenting one a second time ends its whole session ' +
      '(every token issued from the same sign-in), as that means it was stolen.',
  })
  @ApiOkResponse({ type: RefreshedView })
  @ApiProblems(401)
  async refresh(
    @Body() body: RefreshBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RefreshedView> {
    const answer = await this.users.refresh(body.refreshToken);
    noStore(reply);
    return { tokens: tokensView(present(answer.tokens, 'tokens')) };
  }

  @Post('logout')
  @HttpCode(204)
  @Access('optional')
  @ApiOperation({
    summary: 'End the session of a refresh token',
    description:
      'Its access tokens, playback grants and WebSocket sign-ins stop working too, on every ' +
      'gateway replica as soon as the users service announces the end (within ' +
      'SESSION_CHECK_CACHE_MS for access tokens at the latest).',
  })
  @ApiNoContentResponse({ description: 'Ended (also when it had already ended).' })
  async logout(@Body() body: RefreshBody, @Req() request: FastifyRequest): Promise<void> {
    await this.users.logout(body.refreshToken);
    const principal = principalOf(request);
    if (principal) this.sessions.forgetSession(principal.sessionId);
  }
}
