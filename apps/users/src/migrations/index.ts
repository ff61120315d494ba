import {
  AddOutboxRelayContention1764500000000,
  AddOutboxRelayLease1764100000000,
  CreateMessagingTables1763700000000,
} from '@kinema/platform';
import { CreateUsersSchema1763900000000 } from './1763900000000-create-users-schema';
import { RefreshRetryKeys1764600000000 } from './1764600000000-refresh-retry-keys';

/** Every users migration, oldest first. */
export const usersMigrations = [
  CreateMessagingTables1763700000000,
  CreateUsersSchema1763900000000,
  AddOutboxRelayLease1764100000000,
  AddOutboxRelayContention1764500000000,
  RefreshRetryKeys1764600000000,
];
