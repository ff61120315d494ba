import { Body, Controller, Delete, Get, HttpCode, Put, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Access } from '../auth/access-level.decorator';
import { AccountView, accountView, present, RefreshedView, tokensView } from '../auth/auth.views';
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
    description: 'Ends every session of the account; the tokens returned start a new one.',
  })
  @ApiOkResponse({ type: RefreshedView })
  @ApiProblems(403)
  async changePassword(
    @CurrentPrincipal() principal: Principal,
    @Body() body: ChangePasswordBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RefreshedView> {
    const { tokens } = await this.users.changePassword({
      accountId: principal.accountId,
      currentPassword: body.currentPassword,
      newPassword: body.newPassword,
    });
    this.sessions.forgetAccount(principal.accountId);
    void reply.header('cache-control', 'no-store');
    return { tokens: tokensView(present(tokens, 'tokens')) };
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete the account, its profiles and history (needs the password)' })
  @ApiNoContentResponse({ description: 'Deleted; every token of the account stops working.' })
  @ApiProblems(403)
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CurrentPasswordBody,
  ): Promise<void> {
    await this.users.deleteAccount({
      accountId: principal.accountId,
      currentPassword: body.currentPassword,
    });
    this.sessions.forgetAccount(principal.accountId);
  }
}
