import type { DataSource } from 'typeorm';
import { normaliseEmail } from './account-credentials';
import type { AccountRole } from './account.model';

export type RoleChange = 'changed' | 'unchanged' | 'no-such-account';

/**
 * Sets an account's role; used at boot (BOOTSTRAP_ADMIN_EMAIL) and by the admin CLI, never by an
 * RPC. A demotion ends the account's sessions, so no refresh hands out the old role again.
 */
export async function setAccountRole(
  dataSource: DataSource,
  email: string,
  role: AccountRole,
): Promise<RoleChange> {
  return dataSource.transaction(async (manager) => {
    const [row] = await manager.query<Array<{ id: string; role: AccountRole }>>(
      'SELECT id, role FROM accounts WHERE email = $1 FOR UPDATE',
      [normaliseEmail(email)],
    );
    if (!row) return 'no-such-account';
    if (row.role === role) return 'unchanged';
    const now = new Date();
    await manager.query('UPDATE accounts SET role = $2, updated_at = $3 WHERE id = $1', [
      row.id,
      role,
      now,
    ]);
    if (role !== 'admin') {
      await manager.query(
        `UPDATE sessions SET revoked_at = $2, revoke_reason = 'role_changed' WHERE account_id = $1 AND revoked_at IS NULL`,
        [row.id, now],
      );
    }
    return 'changed';
  });
}
