/** Roles as stored and as carried in the access token's `role` claim. */
export type AccountRole = 'viewer' | 'admin';

export const ACCOUNT_ROLES: readonly AccountRole[] = ['viewer', 'admin'];
