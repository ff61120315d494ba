import { jsonOf, type ApiAnswer, type ApiClient, type Transport } from './api-client';
import type { SignInView, TokensView } from './api-views';

export interface Credentials {
  email: string;
  password: string;
}

/** Sign-in was answered with a refusal that trying again will not change. */
export class SignInRefused extends Error {
  constructor(
    readonly email: string,
    readonly status: number,
  ) {
    super(`${email}: sign-in refused (${status})`);
    this.name = 'SignInRefused';
  }
}

/** The gateway could not sign in now (5xx, no answer): try again after a pause. */
export class SignInFailed extends Error {
  constructor(
    readonly email: string,
    readonly status: number,
  ) {
    super(`${email}: sign-in failed (${status === 0 ? 'no answer' : status})`);
    this.name = 'SignInFailed';
  }
}

/**
 * What a run has learnt of its viewers' accounts. Viewers are numbered, and every run starts them
 * in order, so the accounts earlier runs registered are those of the first viewers: once viewer n
 * turned out to have none, the viewers after it most likely have none either. They register at
 * once: one sign-in try each, where a refused login and then a registration took two of the
 * gateway's tries per address (RATE_LIMIT_AUTH_PER_IP), and a first run's viewers took twice as
 * long to start. A guess that is wrong (409, the account exists) signs in, as before.
 */
export class ViewerAccounts {
  private firstNew = Number.POSITIVE_INFINITY;

  registerFirst(viewer: number): boolean {
    return viewer > this.firstNew;
  }

  noteNew(viewer: number): void {
    this.firstNew = Math.min(this.firstNew, viewer);
  }
}

/** A token is refreshed this long before it expires, or at a quarter of its life if shorter. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * One account's session, as the web app keeps it: signed in once, the access token refreshed
 * shortly before it expires (the refresh token is single use, so only one refresh at a time), a
 * new sign-in when the session has ended. A viewer's account is registered when it is missing.
 */
export class Session {
  private tokens?: TokensView;
  private refreshAt = 0;
  /** Whether this session registered its account (a viewer new to this gateway). */
  registeredAccount = false;
  /** Whether it has signed in at least once (a viewer still waiting its turn has not). */
  hasSignedIn = false;
  private refreshing?: Promise<void>;

  constructor(
    private readonly api: ApiClient,
    private readonly transport: Pick<Transport, 'now'>,
    readonly credentials: Credentials,
    /** A viewer's number and its run's accounts; none for the admin, whose account must exist. */
    private readonly viewer?: { n: number; accounts: ViewerAccounts },
  ) {}

  get signedIn(): boolean {
    return this.tokens !== undefined;
  }

  /** Signs in (registering a missing viewer account); true when the account was registered. */
  async signIn(api: ApiClient = this.api): Promise<boolean> {
    const viewer = this.viewer;
    // A session signed in before (its session ended since) knows its account exists.
    if (viewer && !this.hasSignedIn && viewer.accounts.registerFirst(viewer.n)) {
      const created = await this.post(api, '/api/v1/auth/register', this.credentials);
      // 409: the account exists after all; its sign-in works.
      if (created.status !== 409) return this.registered(created);
    } else {
      const login = await this.post(api, '/api/v1/auth/login', this.credentials);
      if (login.status !== 401 || !viewer) return this.loggedIn(login);
      const created = await this.post(api, '/api/v1/auth/register', this.credentials);
      // 409: registered by another run in the meantime; its sign-in works now.
      if (created.status !== 409) return this.registered(created);
    }
    return this.loggedIn(await this.post(api, '/api/v1/auth/login', this.credentials));
  }

  private registered(answer: ApiAnswer): boolean {
    if (answer.status !== 201) return this.refused(answer);
    if (this.viewer) this.viewer.accounts.noteNew(this.viewer.n);
    return this.keep(answer, true);
  }

  private loggedIn(answer: ApiAnswer): boolean {
    return answer.status === 200 ? this.keep(answer, false) : this.refused(answer);
  }

  /**
   * The access token, refreshed first when it is about to expire; `api` sends what that takes (a
   * client ended by another signal than the session's own).
   */
  async token(api: ApiClient = this.api): Promise<string> {
    if (this.tokens && this.transport.now() >= this.refreshAt) {
      this.refreshing ??= this.refresh(api).finally(() => (this.refreshing = undefined));
      await this.refreshing;
    }
    if (!this.tokens) await this.signIn(api);
    return this.tokens?.accessToken ?? '';
  }

  /** Forgets the tokens (the gateway refused them): the next token() signs in again. */
  forget(): void {
    this.tokens = undefined;
  }

  private async refresh(api: ApiClient): Promise<void> {
    const answer = await this.post(api, '/api/v1/auth/refresh', {
      refreshToken: this.tokens?.refreshToken ?? '',
    });
    if (answer.status === 200) {
      this.keep(answer, false);
      return;
    }
    if (answer.status === 0 || answer.status >= 500)
      throw new SignInFailed(this.credentials.email, answer.status);
    // The session ended (or the token was refused): sign in afresh.
    this.tokens = undefined;
    await this.signIn(api);
  }

  private post(api: ApiClient, path: string, json: unknown): Promise<ApiAnswer> {
    return api.send({ method: 'POST', path, json });
  }

  private keep(answer: ApiAnswer, registered: boolean): boolean {
    const tokens = jsonOf<SignInView>(answer)?.tokens;
    if (!tokens?.accessToken) throw new SignInFailed(this.credentials.email, answer.status);
    this.tokens = tokens;
    this.hasSignedIn = true;
    if (registered) this.registeredAccount = true;
    const lifetime = Math.max(0, Date.parse(tokens.accessTokenExpiresAt) - Date.now());
    this.refreshAt =
      this.transport.now() + lifetime - Math.min(REFRESH_MARGIN_MS, Math.floor(lifetime / 4));
    return registered;
  }

  private refused(answer: ApiAnswer): never {
    if (answer.status === 0 || answer.status >= 500)
      throw new SignInFailed(this.credentials.email, answer.status);
    throw new SignInRefused(this.credentials.email, answer.status);
  }
}
