import { Role, type Account } from '@kinema/contracts';
import type { AccountRole } from './account.model';

/** An account as the queries return it (snake_case columns), never with the password hash. */
export interface AccountRow {
  id: string;
  email: string;
  role: AccountRole;
  created_at: Date;
  updated_at: Date;
}

export const ACCOUNT_COLUMNS = 'id, email, role, created_at, updated_at';

export function toRole(role: AccountRole): Role {
  return role === 'admin' ? Role.ROLE_ADMIN : Role.ROLE_VIEWER;
}

export function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    email: row.email,
    role: toRole(row.role),
    createTime: row.created_at,
    updateTime: row.updated_at,
  };
}
