import { OutboxPublisher } from '@kinema/platform';
import type { DataSource } from 'typeorm';
import type { AccountRoleName } from '@kinema/contracts';
import { publishSessionsEnded } from '../tokens/sessions-ended.event';
import { SessionsRepository } from '../tokens/sessions.repository';
import { USERS_EVENT_SOURCE } from '../users.constants';
import { normaliseEmail } from './account-credentials';
import { AccountsRepository } from './accounts.repository';

export type RoleChange = 'changed' | 'unchanged' | 'no-such-account';

/**
 * Sets an account's role; used at boot (BOOTSTRAP_ADMIN_EMAIL) and by the admin CLI (outside the
 * Nest container, hence the repositories made here), never by an RPC. A demotion ends the
 * account's sessions, so no refresh hands out the old role again.
 */
export async function setAccountRole(
  dataSource: DataSource,
  email: string,
  role: AccountRoleName,
): Promise<RoleChange> {
  const accounts = new AccountsRepository();
  const sessions = new SessionsRepository();
  return dataSource.transaction(async (manager) => {
    const row = await accounts.lockRoleByEmail(manager, normaliseEmail(email));
    if (!row) return 'no-such-account';
    if (row.role === role) return 'unchanged';
    const now = new Date();
    await accounts.setRole(manager, row.id, role, now);
    if (role !== 'admin') {
      const sessionIds = await sessions.revokeAll(manager, row.id, 'role_changed', now);
      await publishSessionsEnded(new OutboxPublisher(USERS_EVENT_SOURCE), manager, {
        accountId: row.id,
        sessionIds,
        reason: 'role_changed',
        at: now,
      });
    }
    return 'changed';
  });
}
