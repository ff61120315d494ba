import type { AccountRoleName, AuthTokens, SessionEndReason } from '@kinema/contracts';
import { DomainError, OutboxPublisher } from '@kinema/platform';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { UsersConfig } from '../config';
import { USERS_CONFIG } from '../users.constants';
import { AccessTokenSigner } from './access-token.signer';
import { decideRefresh, type RefreshDecision } from './refresh-rotation';
import {
  hashRefreshToken,
  hashRetryKey,
  newRefreshToken,
  REFRESH_TOKEN_PATTERN,
  successorKey,
  successorOf,
} from './refresh-token';
import { publishSessionsEnded } from './sessions-ended.event';
import { SessionsRepository } from './sessions.repository';

/** A refresh's answer: the tokens, and whether it repeats an exchange already made. */
export interface Refreshed {
  tokens: AuthTokens;
  /**
   * The same exchange asked again: a new access token and the refresh token the first answer
   * carried (see decideRefresh).
   */
  repeated: boolean;
}

/** Sessions (refresh-token families): starting them, rotating their tokens, ending them. */
@Injectable()
export class SessionsService {
  private readonly refreshTtlMs: number;
  /** How long an exchange may be asked again with its retry key: an access token's lifetime. */
  private readonly repeatWindowMs: number;
  /** What a refresh with a retry key derives its new token with (successorOf). */
  private readonly successorKey: Buffer;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionsRepository,
    private readonly signer: AccessTokenSigner,
    private readonly outbox: OutboxPublisher,
    @Inject(USERS_CONFIG) config: UsersConfig,
  ) {
    this.refreshTtlMs = config.REFRESH_TOKEN_TTL_SECONDS * 1000;
    this.repeatWindowMs = config.ACCESS_TOKEN_TTL_SECONDS * 1000;
    this.successorKey = successorKey(config.JWT_PRIVATE_KEY);
  }

  /** Starts a session inside the caller's transaction (so it exists only if the sign-in commits). */
  async start(
    manager: EntityManager,
    account: { id: string; role: AccountRoleName },
  ): Promise<AuthTokens> {
    const now = new Date();
    const sessionId = randomUUID();
    const refreshToken = newRefreshToken();
    const expiresAt = new Date(now.getTime() + this.refreshTtlMs);
    // Lapsed sessions are no longer needed to recognise replayed tokens; tidy them here, where
    // the account's rows are being written anyway, instead of in a separate sweeper.
    await this.sessions.deleteLapsed(manager, account.id, now);
    await this.sessions.insert(manager, {
      id: sessionId,
      accountId: account.id,
      createdAt: now,
      expiresAt,
    });
    await this.insertToken(manager, sessionId, refreshToken, now, expiresAt);
    return this.tokens(account, sessionId, refreshToken, expiresAt, now);
  }

  /**
   * Exchanges a refresh token for a new pair; a replayed token ends its whole family, but the same
   * exchange asked again with its `retryKey` is answered again (decideRefresh).
   */
  async refresh(refreshToken: string, retryKey?: string): Promise<Refreshed> {
    if (!REFRESH_TOKEN_PATTERN.test(refreshToken)) throw invalidRefreshToken();
    const now = new Date();
    const retryKeyHash = retryKey ? hashRetryKey(retryKey) : undefined;
    // The family is revoked in a transaction that commits even though the caller gets an error.
    const outcome = await this.dataSource.transaction(async (manager) => {
      const presented = hashRefreshToken(refreshToken);
      const row = await this.sessions.lockPresented(manager, presented);
      const decision: RefreshDecision = decideRefresh(row, now, {
        retryKeyHash,
        repeatWindowMs: this.repeatWindowMs,
      });
      if (row && decision === 'repeat' && retryKey) {
        const account = { id: row.accountId, role: row.role };
        // The token the first answer carried, derived again; checked against the session's unused
        // token, which it is unless the signing key changed since (then none is handed out).
        const again = successorOf(this.successorKey, refreshToken, retryKey);
        const successor = await this.sessions.unusedToken(
          manager,
          row.sessionId,
          hashRefreshToken(again),
        );
        const tokens = await this.tokens(
          account,
          row.sessionId,
          successor ? again : '',
          successor?.expiresAt ?? row.sessionExpiresAt,
          now,
        );
        return { decision, tokens };
      }
      if (!row || decision !== 'rotate') {
        if (row && decision === 'reuse') {
          const ended = await this.sessions.revoke(
            manager,
            row.sessionId,
            'refresh_token_reused',
            now,
          );
          if (ended)
            await publishSessionsEnded(this.outbox, manager, {
              accountId: row.accountId,
              sessionIds: [row.sessionId],
              reason: 'refresh_token_reused',
              at: now,
            });
        }
        return { decision, tokens: undefined };
      }
      await this.sessions.markRotated(manager, presented, now, retryKeyHash ?? null);
      const next = retryKey
        ? successorOf(this.successorKey, refreshToken, retryKey)
        : newRefreshToken();
      const expiresAt = new Date(now.getTime() + this.refreshTtlMs);
      await this.insertToken(manager, row.sessionId, next, now, expiresAt);
      await this.sessions.extend(manager, row.sessionId, expiresAt);
      const tokens = await this.tokens(
        { id: row.accountId, role: row.role },
        row.sessionId,
        next,
        expiresAt,
        now,
      );
      return { decision, tokens };
    });
    if (outcome.tokens) return { tokens: outcome.tokens, repeated: outcome.decision === 'repeat' };
    if (outcome.decision === 'reuse') {
      throw new DomainError(
        'unauthenticated',
        'REFRESH_TOKEN_REUSED',
        'This refresh token was already used; the session has been ended. Sign in again.',
      );
    }
    throw invalidRefreshToken();
  }

  /** Ends the session a refresh token belongs to. Unknown tokens are ignored: logout is idempotent. */
  async endByRefreshToken(refreshToken: string): Promise<void> {
    if (!REFRESH_TOKEN_PATTERN.test(refreshToken)) return;
    const at = new Date();
    await this.dataSource.transaction(async (manager) => {
      const ended = await this.sessions.revokeByToken(manager, hashRefreshToken(refreshToken), at);
      if (!ended) return;
      await publishSessionsEnded(this.outbox, manager, {
        accountId: ended.accountId,
        sessionIds: [ended.sessionId],
        reason: 'logout',
        at,
      });
    });
  }

  /** Ends every open session of the account inside the caller's transaction. */
  async endAll(manager: EntityManager, accountId: string, reason: SessionEndReason): Promise<void> {
    const at = new Date();
    const sessionIds = await this.sessions.revokeAll(manager, accountId, reason, at);
    await publishSessionsEnded(this.outbox, manager, { accountId, sessionIds, reason, at });
  }

  /** The account's current role when the session is still open; undefined when it has ended. */
  async activeRole(sessionId: string, accountId: string): Promise<AccountRoleName | undefined> {
    return this.sessions.activeRole(this.dataSource.manager, sessionId, accountId, new Date());
  }

  private async insertToken(
    manager: EntityManager,
    sessionId: string,
    token: string,
    now: Date,
    expiresAt: Date,
  ): Promise<void> {
    await this.sessions.insertToken(manager, {
      hash: hashRefreshToken(token),
      sessionId,
      createdAt: now,
      expiresAt,
    });
  }

  private async tokens(
    account: { id: string; role: AccountRoleName },
    sessionId: string,
    refreshToken: string,
    refreshExpiresAt: Date,
    now: Date,
  ): Promise<AuthTokens> {
    const access = await this.signer.sign(
      { accountId: account.id, role: account.role, sessionId },
      now,
    );
    return {
      accessToken: access.token,
      accessTokenExpireTime: access.expiresAt,
      refreshToken,
      refreshTokenExpireTime: refreshExpiresAt,
      sessionId,
    };
  }
}

function invalidRefreshToken(): DomainError {
  return new DomainError(
    'unauthenticated',
    'INVALID_REFRESH_TOKEN',
    'The refresh token is unknown, expired or ended. Sign in again.',
  );
}
