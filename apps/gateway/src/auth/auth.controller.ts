import { status } from '@grpc/grpc-js';
import type { AuthTokens } from '@kinema/contracts';
import { isServiceError } from '@kinema/platform/errors';
import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiProblems } from '../http/api-problems.decorator';
import { ProblemException } from '../http/problem.exception';
import { Idempotent, type KeyOwner } from '../idempotency/idempotent.decorator';
import { AuthRateLimited } from '../rate-limit/rate-limit.decorator';
import { UsersClient } from '../users/users.client';
import { Access } from './access-level.decorator';
import { AccessTokenVerifier } from './access-token.verifier';
import { unauthorized } from '../http/auth-problems';
import {
  accountView,
  present,
  SessionRefreshView,
  RegisteredView,
  SignInView,
  tokensView,
} from './auth.views';
import { CredentialsBody, RefreshBody, RegisterBody } from './dto/auth.body';
import { principalOf } from '../viewer/principal';
import {
  clearSessionCookie,
  cookieMode,
  refreshTokenFromCookie,
  SESSION_MODE_HEADER_DOC,
  setSessionCookie,
} from './session-cookie';
import { SessionCheck } from './session-check';
import { profileView } from '../viewer/profile.view';

// Token responses must never be stored by a cache (RFC 6749 section 5.1).
function noStore(reply: FastifyReply): void {
  void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

/**
 * The tokens as the client receives them: in cookie mode the refresh token goes into the
 * HttpOnly cookie and is left out of the body, so script on the page never holds it.
 */
function issued(tokens: AuthTokens, inCookie: boolean, reply: FastifyReply) {
  const { refreshToken, ...view } = tokensView(tokens);
  if (!inCookie) return { refreshToken, ...view };
  setSessionCookie(reply, refreshToken ?? '', new Date(view.refreshTokenExpiresAt));
  return view;
}

/**
 * A refresh's key is its session cookie's: only the browser that holds the cookie and the key (a
 * page's own record) has the first answer replayed; a token presented again by anyone else, or
 * without the key, still ends the session. In body mode no key is taken: the answer holds the new
 * refresh token, which would be kept with it (the users service keeps only digests of tokens).
 */
const SESSION_COOKIE_OWNER: KeyOwner = {
  // A page whose cookie is gone (its session ended) is answered 401, as without a key: nothing
  // under its key is kept (a refused answer frees it), so there is nothing to replay to anyone.
  of: (request) => (cookieMode(request) ? (refreshTokenFromCookie(request) ?? '') : undefined),
  description: 'the session cookie (X-Session-Mode: cookie)',
};

/**
 * How long a refresh's answer is replayed: as long as the access token it holds lasts by default
 * (the users service's ACCESS_TOKEN_TTL_SECONDS, 15 minutes). A replay is for a page that asks
 * before the first answer's cookie arrived, within seconds; later it would only hand out an
 * expired token, and hold a key that, in a gateway's memory, POST keys need room for.
 */
const REFRESH_REPLAY_SECONDS = 15 * 60;

@ApiTags('auth')
@Controller('auth')
@Access('public')
@AuthRateLimited()
export class AuthController {
  constructor(
    private readonly users: UsersClient,
    private readonly sessions: SessionCheck,
    private readonly accessTokens: AccessTokenVerifier,
  ) {}

  @Post('register')
  @ApiOperation({ summary: 'Create an account (a viewer) and sign in' })
  @ApiHeader(SESSION_MODE_HEADER_DOC)
  @ApiCreatedResponse({ type: RegisteredView })
  @ApiProblems(403, 409)
  async register(
    @Body() body: RegisterBody,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegisteredView> {
    const inCookie = cookieMode(request);
    const answer = await this.users.register({ email: body.email, password: body.password });
    noStore(reply);
    void reply.status(201).header('location', '/api/v1/me');
    return {
      account: accountView(present(answer.account, 'an account')),
      tokens: issued(present(answer.tokens, 'tokens'), inCookie, reply),
      profile: profileView(present(answer.profile, 'a profile')),
    };
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password' })
  @ApiHeader(SESSION_MODE_HEADER_DOC)
  @ApiOkResponse({ type: SignInView })
  @ApiProblems(401, 403)
  async login(
    @Body() body: CredentialsBody,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SignInView> {
    const inCookie = cookieMode(request);
    const answer = await this.users.login({ email: body.email, password: body.password });
    noStore(reply);
    return {
      account: accountView(present(answer.account, 'an account')),
      tokens: issued(present(answer.tokens, 'tokens'), inCookie, reply),
    };
  }

  @Post('refresh')
  @HttpCode(200)
  @Idempotent({ owner: SESSION_COOKIE_OWNER, retentionSeconds: REFRESH_REPLAY_SECONDS })
  @ApiOperation({
    summary: 'Exchange a refresh token for a new pair',
    description:
      'Refresh tokens are single use. Presenting one a second time ends its whole session ' +
      '(every token issued from the same sign-in), as that means it was stolen. In cookie ' +
      'mode the token is read from the session cookie and the body may be `{}`. A page that ' +
      'may be gone before its refresh is answered (reloaded, closed) sends an Idempotency-Key ' +
      'and keeps it until an answer arrives: the next page sends the same key with the same ' +
      'cookie and is answered the first refresh, replayed (its access token; the first answer ' +
      'brought the new cookie), instead of presenting the used token again. Without the key, ' +
      'or with another cookie, a refresh is a new one.',
  })
  @ApiHeader(SESSION_MODE_HEADER_DOC)
  @ApiOkResponse({ type: SessionRefreshView })
  @ApiProblems(401, 403)
  async refresh(
    @Body() body: RefreshBody,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionRefreshView> {
    const inCookie = cookieMode(request);
    const refreshToken = presentedRefreshToken(body, request, inCookie);
    const answer = await this.users.refresh(refreshToken).catch((error: unknown) => {
      // A refused cookie stays refused: the browser drops it rather than offering it again.
      if (inCookie && isServiceError(error) && error.code === status.UNAUTHENTICATED)
        clearSessionCookie(reply);
      throw error;
    });
    noStore(reply);
    const tokens = present(answer.tokens, 'tokens');
    return { tokens: issued(tokens, inCookie, reply), account: await this.accountOf(tokens) };
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
  @ApiHeader(SESSION_MODE_HEADER_DOC)
  @ApiNoContentResponse({ description: 'Ended (also when it had already ended).' })
  @ApiProblems(403)
  async logout(
    @Body() body: RefreshBody,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const inCookie = cookieMode(request);
    if (inCookie) {
      const refreshToken = refreshTokenFromCookie(request);
      clearSessionCookie(reply);
      // Signed out already (or never signed in): nothing to end.
      if (refreshToken) await this.users.logout(refreshToken);
    } else {
      await this.users.logout(presentedRefreshToken(body, request, false));
    }
    const principal = principalOf(request);
    if (principal) this.sessions.forgetSession(principal.sessionId);
  }

  /** The account the new access token speaks for (the web app's first answer after a reload). */
  private async accountOf(tokens: AuthTokens) {
    const claims = await this.accessTokens.verify(tokens.accessToken);
    if (!claims) throw new Error('users service issued an access token the gateway refuses');
    const { account } = await this.users.getAccount(claims.accountId);
    return accountView(present(account, 'an account'));
  }
}

/** The refresh token of the request: the cookie's in cookie mode, else the body's. */
function presentedRefreshToken(
  body: RefreshBody,
  request: FastifyRequest,
  inCookie: boolean,
): string {
  if (inCookie) {
    const token = refreshTokenFromCookie(request);
    if (!token) throw unauthorized('No session cookie: sign in again.');
    return token;
  }
  if (body.refreshToken === undefined) {
    throw ProblemException.badRequest([
      {
        field: 'refreshToken',
        description: 'refreshToken is required (or send X-Session-Mode: cookie with the cookie)',
      },
    ]);
  }
  return body.refreshToken;
}
