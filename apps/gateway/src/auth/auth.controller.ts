import { status } from '@grpc/grpc-js';
import { IDEMPOTENCY_KEY_HEADER, type AuthTokens } from '@kinema/contracts';
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
import { parseIdempotencyKey } from '../idempotency/idempotency.interceptor';
import { IDEMPOTENCY_KEY_SCHEMA, REPLAYED_HEADER } from '../idempotency/idempotent.decorator';
import { AuthRateLimited } from '../rate-limit/rate-limit.decorator';
import { UsersClient } from '../users/users.client';
import { Access } from './access-level.decorator';
import { AccessTokenVerifier } from './access-token.verifier';
import { unauthorized } from '../http/auth-problems';
import { accountView, present, SessionRefreshView, RegisteredView, SignInView } from './auth.views';
import { CredentialsBody, RefreshBody, RegisterBody } from './dto/auth.body';
import { principalOf } from '../viewer/principal';
import {
  clearSessionCookie,
  cookieMode,
  issued,
  refreshTokenFromCookie,
  SESSION_MODE_HEADER_DOC,
} from './session-cookie';
import { SessionCheck } from './session-check';
import { profileView } from '../viewer/profile.view';

// Token responses must never be stored by a cache (RFC 6749 section 5.1).
function noStore(reply: FastifyReply): void {
  void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
}

/** The Idempotency-Key of a refresh, as the API document states it. */
const REFRESH_KEY_HEADER_DOC = {
  name: 'Idempotency-Key',
  required: false,
  description:
    'Cookie mode only: a key this refresh is known by (a UUID, say), for a page that may be gone ' +
    'before the answer arrives. The next page sends the same key with the cookie it holds; when ' +
    'that is the token the first refresh exchanged, and the token it was exchanged for is still ' +
    "unused, within an access token's lifetime, the refresh is answered again " +
    '(`Idempotent-Replayed: true`): a new access token of the same session, and the cookie the ' +
    'first answer set, which the page may never have stored, ' +
    'where the used token alone would end the session. The key is kept by the users service, ' +
    'so any gateway replica answers it.',
  schema: IDEMPOTENCY_KEY_SCHEMA,
};

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
  @ApiOperation({
    summary: 'Exchange a refresh token for a new pair',
    description:
      'Refresh tokens are single use. Presenting one a second time ends its whole session ' +
      '(every token issued from the same sign-in), as that means it was stolen. In cookie ' +
      'mode the token is read from the session cookie and the body may be `{}`. A page that ' +
      'may be gone before its refresh is answered (reloaded, closed) sends an Idempotency-Key ' +
      'and keeps it until an answer arrives, so that the next page, which may still hold the ' +
      'used cookie, is answered again instead (see the header). Without the key, or with ' +
      'another, a used token ends the session.',
  })
  @ApiHeader(SESSION_MODE_HEADER_DOC)
  @ApiHeader(REFRESH_KEY_HEADER_DOC)
  @ApiOkResponse({ type: SessionRefreshView })
  @ApiProblems(400, 401, 403)
  async refresh(
    @Body() body: RefreshBody,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<SessionRefreshView> {
    const inCookie = cookieMode(request);
    const refreshToken = presentedRefreshToken(body, request, inCookie);
    const retryKey = retryKeyOf(request, inCookie);
    const answer = await this.users.refresh(refreshToken, retryKey).catch((error: unknown) => {
      // A refused cookie stays refused: the browser drops it rather than offering it again.
      if (inCookie && isServiceError(error) && error.code === status.UNAUTHENTICATED)
        clearSessionCookie(reply);
      throw error;
    });
    noStore(reply);
    if (answer.repeated) void reply.header(REPLAYED_HEADER, 'true');
    const tokens = present(answer.tokens, 'tokens');
    return {
      tokens: issued(tokens, inCookie, reply),
      account: await this.accountOf(tokens),
    };
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

/**
 * The Idempotency-Key of a refresh, which the users service keeps with the token it exchanges
 * (RefreshRequest.retry_key). Cookie mode only (else a 400 naming it): a refresh answered again
 * holds no refresh token, and a client that keeps its token in the body would be left without one.
 */
function retryKeyOf(request: FastifyRequest, inCookie: boolean): string | undefined {
  const header = request.headers[IDEMPOTENCY_KEY_HEADER];
  if (header === undefined) return undefined;
  if (!inCookie) {
    throw ProblemException.badRequest([
      {
        field: 'Idempotency-Key',
        description:
          'Idempotency-Key is taken here only with the session cookie (X-Session-Mode: cookie)',
      },
    ]);
  }
  return parseIdempotencyKey(header);
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
