import { CreateCatalogSchema1763800000000 } from './1763800000000-create-catalog-schema';
import { SeedGenres1763800000001 } from './1763800000001-seed-genres';

/** Every catalog migration, oldest first. */
export const catalogMigrations = [CreateCatalogSchema1763800000000, SeedGenres1763800000001];
