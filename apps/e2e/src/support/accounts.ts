import { randomUUID } from 'node:crypto';
import { request, type JsonResponse } from './system';

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
}

export interface Registered {
  email: string;
  password: string;
  accountId: string;
  profileId: string;
  tokens: Tokens;
}

let nextIp = 1;

/**
 * A client of its own: requests carry a distinct X-Forwarded-For (the test system trusts the
 * proxy header), so per-IP limits of one test never spill into another.
 */
export class Client {
  readonly ip = `198.51.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;
  token?: string;

  constructor(private readonly api: string) {}

  call<T = unknown>(
    method: string,
    path: string,
    options: { body?: unknown; headers?: Record<string, string>; token?: string | null } = {},
  ): Promise<JsonResponse<T>> {
    const token = options.token === null ? undefined : (options.token ?? this.token);
    return request<T>(this.api, path, {
      method,
      headers: {
        'x-forwarded-for': this.ip,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined
        ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
        : {}),
    });
  }

  /** Signs this client in with an existing account's email and password (e.g. the admin). */
  async signIn(credentials: { email: string; password: string }): Promise<void> {
    const answer = await this.call<{ tokens: Tokens }>('POST', '/auth/login', {
      body: credentials,
    });
    if (answer.status !== 200)
      throw new Error(`sign-in: ${answer.status} ${JSON.stringify(answer.body)}`);
    this.token = answer.body.tokens.accessToken;
  }

  /** Registers a fresh account and signs this client in as it. */
  async register(): Promise<Registered> {
    const email = `e2e-${randomUUID()}@example.com`;
    const password = `pw-${randomUUID()}`;
    const answer = await this.call<{
      account: { id: string };
      tokens: Tokens;
      profile: { id: string };
    }>('POST', '/auth/register', { body: { email, password } });
    if (answer.status !== 201)
      throw new Error(`register: ${answer.status} ${JSON.stringify(answer.body)}`);
    this.token = answer.body.tokens.accessToken;
    return {
      email,
      password,
      accountId: answer.body.account.id,
      profileId: answer.body.profile.id,
      tokens: answer.body.tokens,
    };
  }
}
