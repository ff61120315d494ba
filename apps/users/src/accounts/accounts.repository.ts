import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AccountRoleName } from '@kinema/contracts';
import { ACCOUNT_COLUMNS, type AccountRow } from './account.mapper';

/** An account with its password hash: only for checking a password, never for answers. */
export interface CredentialRow extends AccountRow {
  password_hash: string;
}

/** The accounts table's statements (emails are stored normalised; see account-credentials). */
@Injectable()
export class AccountsRepository {
  async insert(
    manager: EntityManager,
    account: { id: string; email: string; passwordHash: string; role: AccountRoleName; at: Date },
  ): Promise<AccountRow> {
    const [row] = await manager.query<AccountRow[]>(
      `INSERT INTO accounts (id, email, password_hash, role, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $5) RETURNING ${ACCOUNT_COLUMNS}`,
      [account.id, account.email, account.passwordHash, account.role, account.at],
    );
    if (!row) throw new Error('account insert returned no row');
    return row;
  }

  async findById(manager: EntityManager, id: string): Promise<AccountRow | undefined> {
    const rows = await manager.query<AccountRow[]>(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async credentialsByEmail(
    manager: EntityManager,
    email: string,
  ): Promise<CredentialRow | undefined> {
    const rows = await manager.query<CredentialRow[]>(
      `SELECT ${ACCOUNT_COLUMNS}, password_hash FROM accounts WHERE email = $1`,
      [email],
    );
    return rows[0];
  }

  async credentialsById(manager: EntityManager, id: string): Promise<CredentialRow | undefined> {
    const rows = await manager.query<CredentialRow[]>(
      `SELECT ${ACCOUNT_COLUMNS}, password_hash FROM accounts WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async setPasswordHash(
    manager: EntityManager,
    id: string,
    passwordHash: string,
    at: Date,
  ): Promise<void> {
    await manager.query('UPDATE accounts SET password_hash = $2, updated_at = $3 WHERE id = $1', [
      id,
      passwordHash,
      at,
    ]);
  }

  /** The account's id and role, locked for the rest of the transaction. */
  async lockRoleByEmail(
    manager: EntityManager,
    email: string,
  ): Promise<{ id: string; role: AccountRoleName } | undefined> {
    const rows = await manager.query<Array<{ id: string; role: AccountRoleName }>>(
      'SELECT id, role FROM accounts WHERE email = $1 FOR UPDATE',
      [email],
    );
    return rows[0];
  }

  async setRole(
    manager: EntityManager,
    id: string,
    role: AccountRoleName,
    at: Date,
  ): Promise<void> {
    await manager.query('UPDATE accounts SET role = $2, updated_at = $3 WHERE id = $1', [
      id,
      role,
      at,
    ]);
  }

  /** Deletes the account and, by cascade, its sessions, profiles, lists and progress. */
  async delete(manager: EntityManager, id: string): Promise<void> {
    await manager.query('DELETE FROM accounts WHERE id = $1', [id]);
  }
}
