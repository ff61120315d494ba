import { SESSION_COOKIE, type AuthTokens } from '@kinema/contracts';
import { problem } from '@kinema/platform/errors';
import type { ApiHeaderOptions } from '@nestjs/swagger';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemException } from '../http/problem.exception';
import { overHttps } from '../http/trustworthy-origin';
import { tokensView, type TokensView } from './auth.views';

/** How the auth routes document the opt-in header (OpenAPI). */
export const SESSION_MODE_HEADER_DOC: ApiHeaderOptions = {
  name: 'X-Session-Mode',
  required: false,
  description:
    'Send `cookie` (browsers on this origin only) to keep the refresh token in an HttpOnly, ' +
    'SameSite=Strict cookie, Secure when served over HTTPS ' +
    `(\`${SESSION_COOKIE.name}\`, path \`${SESSION_COOKIE.path}\`) ` +
    'instead of the JSON body: the answer then has no `tokens.refreshToken`, and refresh and ' +
    'logout read the token from the cookie. A cross-site request (Sec-Fetch-Site) is refused.',
  schema: { type: 'string', enum: [SESSION_COOKIE.modeValue] },
};

/**
 * Whether the request asks for the cookie session. Refused (403) when the browser says the
 * request comes from another site or origin: the cookie is for the app this gateway serves.
 * API clients send no Sec-Fetch-Site and may use either mode.
 */
export function cookieMode(request: FastifyRequest): boolean {
  if (request.headers[SESSION_COOKIE.modeHeader] !== SESSION_COOKIE.modeValue) return false;
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') {
    throw new ProblemException(
      problem(403, 'Forbidden', {
        code: 'CROSS_SITE_REQUEST',
        detail: 'The session cookie is only used by pages of this origin.',
      }),
    );
  }
  return true;
}

/** The refresh token the session cookie carries, if any. */
export function refreshTokenFromCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  return parseCookie(header)[SESSION_COOKIE.name] || undefined;
}

/** Keeps the refresh token in the browser, until it would expire anyway. */
export function setSessionCookie(reply: FastifyReply, refreshToken: string, expires: Date): void {
  const maxAge = Math.max(0, Math.floor((expires.getTime() - Date.now()) / 1000));
  void reply.header('set-cookie', sessionCookie(reply.request, refreshToken, maxAge));
}

/**
 * The tokens as the client receives them: in cookie mode the refresh token goes into the
 * HttpOnly cookie and is left out of the body, so script on the page never holds it. A refresh
 * answered again sets the cookie the first answer set, which the page may never have stored; one
 * the users service could not give the token out for again (its signing key changed) holds none,
 * and neither sets nor clears the cookie.
 */
export function issued(tokens: AuthTokens, inCookie: boolean, reply: FastifyReply): TokensView {
  const { refreshToken, ...view } = tokensView(tokens);
  if (!inCookie) return { refreshToken, ...view };
  if (refreshToken) setSessionCookie(reply, refreshToken, new Date(view.refreshTokenExpiresAt));
  return view;
}

export function clearSessionCookie(reply: FastifyReply): void {
  void reply.header('set-cookie', sessionCookie(reply.request, '', 0));
}

/**
 * Secure only over HTTPS: a browser refuses a Secure cookie from a plain-HTTP origin other than
 * localhost (Safari from localhost too), so at http://$(minikube ip):30080 or a LAN address the
 * session would not outlive a reload; over plain HTTP the cookie travels in the clear anyway.
 */
function sessionCookie(request: FastifyRequest, value: string, maxAge: number): string {
  return stringifySetCookie(SESSION_COOKIE.name, value, {
    path: SESSION_COOKIE.path,
    maxAge,
    httpOnly: true,
    secure: overHttps(request),
    sameSite: 'strict',
  });
}
