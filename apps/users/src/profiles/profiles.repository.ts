import { DomainError } from '@kinema/platform';
import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { PROFILE_COLUMNS, type ProfileRow } from './profile.mapper';

export interface NewProfile {
  name: string;
  kids: boolean;
  maxMaturity: number | null;
}

/** Profile rows; every read and write is scoped by account id, so ids of others never match. */
@Injectable()
export class ProfilesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(
    manager: EntityManager,
    accountId: string,
    profile: NewProfile,
  ): Promise<ProfileRow> {
    const now = new Date();
    const [row] = await manager.query<ProfileRow[]>(
      `INSERT INTO profiles (id, account_id, name, kids, max_maturity, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING ${PROFILE_COLUMNS}`,
      [randomUUID(), accountId, profile.name, profile.kids, profile.maxMaturity, now],
    );
    if (!row) throw new Error('profile insert returned no row');
    return row;
  }

  list(accountId: string, manager: EntityManager = this.dataSource.manager): Promise<ProfileRow[]> {
    return manager.query<ProfileRow[]>(
      `SELECT ${PROFILE_COLUMNS} FROM profiles WHERE account_id = $1 ORDER BY created_at, id`,
      [accountId],
    );
  }

  async get(accountId: string, profileId: string): Promise<ProfileRow | undefined> {
    const [row] = await this.dataSource.query<ProfileRow[]>(
      `SELECT ${PROFILE_COLUMNS} FROM profiles WHERE id = $1 AND account_id = $2`,
      [profileId, accountId],
    );
    return row;
  }

  /** NOT_FOUND unless the profile exists and belongs to the account. */
  async requireOwned(
    accountId: string,
    profileId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    const rows = await manager.query<unknown[]>(
      'SELECT 1 FROM profiles WHERE id = $1 AND account_id = $2',
      [profileId, accountId],
    );
    if (rows.length === 0) throw profileNotFound();
  }

  /** Locks the account row for the transaction (serialising profile creation and deletion). */
  async lockAccount(manager: EntityManager, accountId: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>('SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE', [
      accountId,
    ]);
    return rows.length > 0;
  }

  async accountExists(accountId: string): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>('SELECT 1 FROM accounts WHERE id = $1', [
      accountId,
    ]);
    return rows.length > 0;
  }

  async rename(
    accountId: string,
    profileId: string,
    name: string,
  ): Promise<ProfileRow | undefined> {
    const rows = await this.dataSource.query<[ProfileRow[], number]>(
      `UPDATE profiles SET name = $3, updated_at = $4 WHERE id = $1 AND account_id = $2 RETURNING ${PROFILE_COLUMNS}`,
      [profileId, accountId, name, new Date()],
    );
    // TypeORM answers an UPDATE ... RETURNING as [rows, affected count].
    return rows[0][0];
  }

  async delete(manager: EntityManager, accountId: string, profileId: string): Promise<boolean> {
    const [, affected] = await manager.query<[unknown[], number]>(
      'DELETE FROM profiles WHERE id = $1 AND account_id = $2',
      [profileId, accountId],
    );
    return affected > 0;
  }
}

export function profileNotFound(): DomainError {
  return DomainError.notFound('PROFILE_NOT_FOUND', 'No such profile.');
}

export function accountNotFound(): DomainError {
  return DomainError.notFound('ACCOUNT_NOT_FOUND', 'No such account.');
}
