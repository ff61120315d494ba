import {
  AddOutboxRelayContention1764500000000,
  AddOutboxRelayLease1764100000000,
  CreateMessagingTables1763700000000,
} from '@kinema/platform';
import { CreateCatalogSchema1763800000000 } from './1763800000000-create-catalog-schema';
import { SeedGenres1763800000001 } from './1763800000001-seed-genres';
import { AddPlayabilityAndTrending1763900000000 } from './1763900000000-add-playability-and-trending';
import { SearchPeopleGenresAndTypos1764300000000 } from './1764300000000-search-people-genres-and-typos';
import { SearchFieldIndexes1764400000000 } from './1764400000000-search-field-indexes';

/** Every catalog migration, oldest first (the shared messaging ones among the catalog's own). */
export const catalogMigrations = [
  CreateMessagingTables1763700000000,
  CreateCatalogSchema1763800000000,
  SeedGenres1763800000001,
  AddPlayabilityAndTrending1763900000000,
  AddOutboxRelayLease1764100000000,
  SearchPeopleGenresAndTypos1764300000000,
  SearchFieldIndexes1764400000000,
  AddOutboxRelayContention1764500000000,
];
