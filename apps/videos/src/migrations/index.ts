import {
  AddOutboxRelayContention1764500000000,
  AddOutboxRelayLease1764100000000,
  CreateMessagingTables1763700000000,
} from '@kinema/platform';
import { CreateVideosSchema1764000000000 } from './1764000000000-create-videos-schema';

/** Every videos migration, oldest first. */
export const videosMigrations = [
  CreateMessagingTables1763700000000,
  CreateVideosSchema1764000000000,
  AddOutboxRelayLease1764100000000,
  AddOutboxRelayContention1764500000000,
];
