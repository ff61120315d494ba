import { ACCOUNT_ROLES, type Account, type AccountRoleName } from '@kinema/contracts';

/** An account as the queries return it (snake_case columns), never with the password hash. */
export interface AccountRow {
  id: string;
  email: string;
  role: AccountRoleName;
  created_at: Date;
  updated_at: Date;
}

export const ACCOUNT_COLUMNS = 'id, email, role, created_at, updated_at';

export function toAccount(row: AccountRow): Account {
  return {
    id: row.id,
    email: row.email,
    role: ACCOUNT_ROLES.toProto(row.role),
    createTime: row.created_at,
    updateTime: row.updated_at,
  };
}
