import { Body, Controller, Delete, Get, HttpCode, Put, Req, Res } from '@nestjs/common';
import {
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Access } from '../auth/access-level.decorator';
import { AccountView, accountView, present, RefreshedView } from '../auth/auth.views';
import {
  clearSessionCookie,
  cookieMode,
  issued,
  SESSION_MODE_HEADER_DOC,
} from '../auth/session-cookie';
import { CurrentPrincipal, type Principal } from '../viewer/principal';
import { SessionCheck } from '../auth/session-check';
import { ApiProblems } from '../http/api-problems.decorator';
import { UsersClient } from '../users/users.client';
import { ChangePasswordBody, CurrentPasswordBody } from './dto/me.body';

@ApiTags('me')
@Controller('me')
@Access('viewer')
export class MeController {
  constructor(
    private readonly users: UsersClient,
    private readonly sessions: SessionCheck,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The signed-in account' })
  @ApiOkResponse({ type: AccountView })
  async account(
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccountView> {
    const { account } = await this.users.getAccount(principal.accountId);
    void reply.header('cache-control', 'private, no-cache');
    return accountView(present(account, 'an account'));
  }

  @Put('password')
  @ApiOperation({
    summary: 'Change the password',
    description:
      'Ends every session of the account; the tokens returned start a new one (in cookie mode ' +
      'its refresh token replaces the session cookie, so the browser stays signed in).',
  })
  @ApiHeader(SESSION_MODE_HEADER_DOC)
  @ApiOkResponse({ type: RefreshedView })
  @ApiProblems(403)
  async changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ChangePasswordBody,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RefreshedView> {
    const inCookie = cookieMode(request);
    const { tokens } = await this.users.changePassword({
      accountId: principal.accountId,
      currentPassword: body.currentPassword,
      newPassword: body.newPassword,
    });
    this.sessions.forgetAccount(principal.accountId);
    void reply.header('cache-control', 'no-store');
    return { tokens: issued(present(tokens, 'tokens'), inCookie, reply) };
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the account, its profiles and history (needs the password)' })
  @ApiHeader(SESSION_MODE_HEADER_DOC)
  @ApiNoContentResponse({
    description:
      'Deleted; every token of the account stops working (the session cookie is cleared).',
  })
  @ApiProblems(403)
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CurrentPasswordBody,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const inCookie = cookieMode(request);
    await this.users.deleteAccount({
      accountId: principal.accountId,
      currentPassword: body.currentPassword,
    });
    this.sessions.forgetAccount(principal.accountId);
    if (inCookie) clearSessionCookie(reply);
  }
}
