import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AccountRoleName, SessionEndReason } from '@kinema/contracts';

/** A presented refresh token with its session and account, locked for the transaction. */
export interface PresentedToken {
  sessionId: string;
  accountId: string;
  role: AccountRoleName;
  expiresAt: Date;
  rotatedAt: Date | null;
  sessionRevokedAt: Date | null;
  /** When the session lapses: its newest token's expiry. */
  sessionExpiresAt: Date;
  retryKeyHash: string | null;
  /** Whether the token this one was exchanged for has been exchanged in turn. */
  successorUsed: boolean;
}

export interface EndedSession {
  sessionId: string;
  accountId: string;
}

/** The sessions and refresh_tokens tables' statements (refresh tokens are stored hashed). */
@Injectable()
export class SessionsRepository {
  /** Lapsed sessions are no longer needed to recognise replayed tokens. */
  async deleteLapsed(manager: EntityManager, accountId: string, now: Date): Promise<void> {
    await manager.query('DELETE FROM sessions WHERE account_id = $1 AND expires_at < $2', [
      accountId,
      now,
    ]);
  }

  async insert(
    manager: EntityManager,
    session: { id: string; accountId: string; createdAt: Date; expiresAt: Date },
  ): Promise<void> {
    await manager.query(
      'INSERT INTO sessions (id, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
      [session.id, session.accountId, session.createdAt, session.expiresAt],
    );
  }

  async insertToken(
    manager: EntityManager,
    token: { hash: string; sessionId: string; createdAt: Date; expiresAt: Date },
  ): Promise<void> {
    await manager.query(
      'INSERT INTO refresh_tokens (token_hash, session_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
      [token.hash, token.sessionId, token.createdAt, token.expiresAt],
    );
  }

  async lockPresented(
    manager: EntityManager,
    tokenHash: string,
  ): Promise<PresentedToken | undefined> {
    // The token it was exchanged for was made as it was rotated: successorUsed asks whether a
    // token of the session made since then has been rotated in turn. Only a used token needs the
    // answer (CASE evaluates the subquery for it alone): an unused one, every ordinary refresh,
    // would otherwise read every token its session was ever given.
    const [row] = await manager.query<PresentedToken[]>(
      `SELECT t.session_id AS "sessionId", s.account_id AS "accountId", a.role,
              t.expires_at AS "expiresAt", t.rotated_at AS "rotatedAt",
              s.revoked_at AS "sessionRevokedAt", s.expires_at AS "sessionExpiresAt",
              t.retry_key_hash AS "retryKeyHash",
              CASE WHEN t.rotated_at IS NULL THEN false
                   ELSE EXISTS (SELECT 1 FROM refresh_tokens later
                                 WHERE later.session_id = t.session_id
                                   AND later.created_at >= t.rotated_at
                                   AND later.rotated_at IS NOT NULL)
              END AS "successorUsed"
         FROM refresh_tokens t
         JOIN sessions s ON s.id = t.session_id
         JOIN accounts a ON a.id = s.account_id
        WHERE t.token_hash = $1
        FOR UPDATE OF t, s`,
      [tokenHash],
    );
    return row;
  }

  /** The session's token of this digest while it is unused: its expiry, or undefined. */
  async unusedToken(
    manager: EntityManager,
    sessionId: string,
    tokenHash: string,
  ): Promise<{ expiresAt: Date } | undefined> {
    const [row] = await manager.query<{ expiresAt: Date }[]>(
      `SELECT expires_at AS "expiresAt" FROM refresh_tokens
        WHERE token_hash = $1 AND session_id = $2 AND rotated_at IS NULL`,
      [tokenHash, sessionId],
    );
    return row;
  }

  /** Marks the token used, keeping the digest of the retry key its exchange came with. */
  async markRotated(
    manager: EntityManager,
    tokenHash: string,
    at: Date,
    retryKeyHash: string | null,
  ): Promise<void> {
    await manager.query(
      'UPDATE refresh_tokens SET rotated_at = $2, retry_key_hash = $3 WHERE token_hash = $1',
      [tokenHash, at, retryKeyHash],
    );
  }

  async extend(manager: EntityManager, sessionId: string, expiresAt: Date): Promise<void> {
    await manager.query('UPDATE sessions SET expires_at = $2 WHERE id = $1', [
      sessionId,
      expiresAt,
    ]);
  }

  /** Ends a session unless it has ended already; true when this call ended it. */
  async revoke(
    manager: EntityManager,
    sessionId: string,
    reason: SessionEndReason,
    at: Date,
  ): Promise<boolean> {
    const [rows] = await manager.query<[Array<{ id: string }>, number]>(
      `UPDATE sessions SET revoked_at = $2, revoke_reason = $3
        WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
      [sessionId, at, reason],
    );
    return rows.length > 0;
  }

  /** Ends the session a refresh token belongs to, unless it has ended already. */
  async revokeByToken(
    manager: EntityManager,
    tokenHash: string,
    at: Date,
  ): Promise<EndedSession | undefined> {
    const [rows] = await manager.query<[EndedSession[], number]>(
      `UPDATE sessions SET revoked_at = $2, revoke_reason = 'logout'
        WHERE id = (SELECT session_id FROM refresh_tokens WHERE token_hash = $1) AND revoked_at IS NULL
        RETURNING id AS "sessionId", account_id AS "accountId"`,
      [tokenHash, at],
    );
    return rows[0];
  }

  /** Ends every open session of the account; the ids of those it ended. */
  async revokeAll(
    manager: EntityManager,
    accountId: string,
    reason: SessionEndReason,
    at: Date,
  ): Promise<string[]> {
    const [rows] = await manager.query<[Array<{ id: string }>, number]>(
      `UPDATE sessions SET revoked_at = $2, revoke_reason = $3
        WHERE account_id = $1 AND revoked_at IS NULL RETURNING id`,
      [accountId, at, reason],
    );
    return rows.map((row) => row.id);
  }

  /** The account's current role while the session is open; undefined when it has ended. */
  async activeRole(
    manager: EntityManager,
    sessionId: string,
    accountId: string,
    now: Date,
  ): Promise<AccountRoleName | undefined> {
    const [row] = await manager.query<Array<{ role: AccountRoleName }>>(
      `SELECT a.role FROM sessions s JOIN accounts a ON a.id = s.account_id
        WHERE s.id = $1 AND s.account_id = $2 AND s.revoked_at IS NULL AND s.expires_at > $3`,
      [sessionId, accountId, now],
    );
    return row?.role;
  }
}
