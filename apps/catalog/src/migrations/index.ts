import { MESSAGING_MIGRATIONS } from '@kinema/platform';
import { CreateCatalogSchema1763800000000 } from './1763800000000-create-catalog-schema';
import { SeedGenres1763800000001 } from './1763800000001-seed-genres';
import { AddPlayabilityAndTrending1763900000000 } from './1763900000000-add-playability-and-trending';

/** Every catalog migration, oldest first: the shared outbox tables, then the catalog's own. */
export const catalogMigrations = [
  ...MESSAGING_MIGRATIONS,
  CreateCatalogSchema1763800000000,
  SeedGenres1763800000001,
  AddPlayabilityAndTrending1763900000000,
];
