import 'reflect-metadata';
import type { AccountRoleName } from '@kinema/contracts';
import { jobDataSource, loadConfigOrExit } from '@kinema/platform';
import { parseArgs } from 'node:util';
import { setAccountRole } from './accounts/account-roles';
import { configSchema } from './config';
import { usersMigrations } from './migrations';
import { USERS_MIGRATION_LOCK_KEY } from './users.constants';

const usage =
  'usage: node apps/users/dist/admin.cli.js promote|demote --email ADDRESS  (reads DATABASE_URL like the service)';

// Grants or withdraws the admin role from the command line: with BOOTSTRAP_ADMIN_EMAIL, the
// only ways to make an admin, since no RPC can. The account must exist (register it first).
// Note: the embedded PGlite accepts one connection at a time, so run this while users is stopped.
async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { email: { type: 'string' } },
  });
  const command = positionals[0];
  const email = values.email;
  if ((command !== 'promote' && command !== 'demote') || !email || positionals.length !== 1) {
    process.stderr.write(`${usage}\n`);
    return 64;
  }
  const config = loadConfigOrExit('users admin', configSchema);
  const dataSource = jobDataSource(config, {
    migrations: usersMigrations,
    migrationLockKey: USERS_MIGRATION_LOCK_KEY,
  });
  await dataSource.initialize();
  try {
    const role: AccountRoleName = command === 'promote' ? 'admin' : 'viewer';
    const outcome = await setAccountRole(dataSource, email, role);
    if (outcome === 'no-such-account') {
      process.stderr.write(`no account has the email ${email}\n`);
      return 1;
    }
    process.stdout.write(`${email}: role ${role} (${outcome})\n`);
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `users admin failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
