import { MESSAGING_MIGRATIONS } from '@kinema/platform';
import { CreateUsersSchema1763900000000 } from './1763900000000-create-users-schema';

/** Every users migration, oldest first. */
export const usersMigrations = [...MESSAGING_MIGRATIONS, CreateUsersSchema1763900000000];
