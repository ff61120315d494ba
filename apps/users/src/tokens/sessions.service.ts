import type { AuthTokens } from '@kinema/contracts';
import { DomainError } from '@kinema/platform';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { AccountRole } from '../accounts/account.model';
import type { UsersConfig } from '../config';
import { USERS_CONFIG } from '../users.constants';
import { AccessTokenSigner } from './access-token.signer';
import { decideRefresh, type RefreshDecision } from './refresh-rotation';
import { hashRefreshToken, newRefreshToken, REFRESH_TOKEN_PATTERN } from './refresh-token';

export type SessionEndReason = 'logout' | 'password_changed' | 'refresh_token_reused';

interface PresentedTokenRow {
  session_id: string;
  account_id: string;
  role: AccountRole;
  expires_at: Date;
  rotated_at: Date | null;
  revoked_at: Date | null;
}

/** Sessions (refresh-token families): starting them, rotating their tokens, ending them. */
@Injectable()
export class SessionsService {
  private readonly refreshTtlMs: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly signer: AccessTokenSigner,
    @Inject(USERS_CONFIG) config: UsersConfig,
  ) {
    this.refreshTtlMs = config.REFRESH_TOKEN_TTL_SECONDS * 1000;
  }

  /** Starts a session inside the caller's transaction (so it exists only if the sign-in commits). */
  async start(
    manager: EntityManager,
    account: { id: string; role: AccountRole },
  ): Promise<AuthTokens> {
    const now = new Date();
    const sessionId = randomUUID();
    const refreshToken = newRefreshToken();
    const expiresAt = new Date(now.getTime() + this.refreshTtlMs);
    // Lapsed sessions are no longer needed to recognise replayed tokens; tidy them here, where
    // the account's rows are being written anyway, instead of in a separate sweeper.
    await manager.query('DELETE FROM sessions WHERE account_id = $1 AND expires_at < $2', [
      account.id,
      now,
    ]);
    await manager.query(
      'INSERT INTO sessions (id, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
      [sessionId, account.id, now, expiresAt],
    );
    await this.insertToken(manager, sessionId, refreshToken, now, expiresAt);
    return this.tokens(account, sessionId, refreshToken, expiresAt, now);
  }

  /** Exchanges a refresh token for a new pair; a replayed token ends its whole family. */
  async refresh(refreshToken: string): Promise<AuthTokens> {
    if (!REFRESH_TOKEN_PATTERN.test(refreshToken)) throw invalidRefreshToken();
    const now = new Date();
    // The family is revoked in a transaction that commits even though the caller gets an error.
    const outcome = await this.dataSource.transaction(async (manager) => {
      const [row] = await manager.query<PresentedTokenRow[]>(
        `SELECT t.session_id, s.account_id, a.role, t.expires_at, t.rotated_at, s.revoked_at
           FROM refresh_tokens t
           JOIN sessions s ON s.id = t.session_id
           JOIN accounts a ON a.id = s.account_id
          WHERE t.token_hash = $1
          FOR UPDATE OF t, s`,
        [hashRefreshToken(refreshToken)],
      );
      const decision: RefreshDecision = decideRefresh(
        row && {
          rotatedAt: row.rotated_at,
          expiresAt: row.expires_at,
          sessionRevokedAt: row.revoked_at,
        },
        now,
      );
      if (!row || decision !== 'rotate') {
        if (row && decision === 'reuse')
          await this.revoke(manager, row.session_id, 'refresh_token_reused', now);
        return { decision, tokens: undefined };
      }
      await manager.query('UPDATE refresh_tokens SET rotated_at = $2 WHERE token_hash = $1', [
        hashRefreshToken(refreshToken),
        now,
      ]);
      const next = newRefreshToken();
      const expiresAt = new Date(now.getTime() + this.refreshTtlMs);
      await this.insertToken(manager, row.session_id, next, now, expiresAt);
      await manager.query('UPDATE sessions SET expires_at = $2 WHERE id = $1', [
        row.session_id,
        expiresAt,
      ]);
      const tokens = await this.tokens(
        { id: row.account_id, role: row.role },
        row.session_id,
        next,
        expiresAt,
        now,
      );
      return { decision, tokens };
    });
    if (outcome.tokens) return outcome.tokens;
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
    await this.dataSource.query(
      `UPDATE sessions SET revoked_at = $2, revoke_reason = 'logout'
        WHERE id = (SELECT session_id FROM refresh_tokens WHERE token_hash = $1) AND revoked_at IS NULL`,
      [hashRefreshToken(refreshToken), new Date()],
    );
  }

  async endAll(manager: EntityManager, accountId: string, reason: SessionEndReason): Promise<void> {
    await manager.query(
      'UPDATE sessions SET revoked_at = $2, revoke_reason = $3 WHERE account_id = $1 AND revoked_at IS NULL',
      [accountId, new Date(), reason],
    );
  }

  /** The account's current role when the session is still open; undefined when it has ended. */
  async activeRole(sessionId: string, accountId: string): Promise<AccountRole | undefined> {
    const [row] = await this.dataSource.query<Array<{ role: AccountRole }>>(
      `SELECT a.role FROM sessions s JOIN accounts a ON a.id = s.account_id
        WHERE s.id = $1 AND s.account_id = $2 AND s.revoked_at IS NULL AND s.expires_at > $3`,
      [sessionId, accountId, new Date()],
    );
    return row?.role;
  }

  private async revoke(
    manager: EntityManager,
    sessionId: string,
    reason: SessionEndReason,
    now: Date,
  ): Promise<void> {
    await manager.query('UPDATE sessions SET revoked_at = $2, revoke_reason = $3 WHERE id = $1', [
      sessionId,
      now,
      reason,
    ]);
  }

  private async insertToken(
    manager: EntityManager,
    sessionId: string,
    token: string,
    now: Date,
    expiresAt: Date,
  ): Promise<void> {
    await manager.query(
      'INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
      [hashRefreshToken(token), sessionId, now, expiresAt],
    );
  }

  private async tokens(
    account: { id: string; role: AccountRole },
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
