/** Injection token of the validated CatalogConfig. */
export const CATALOG_CONFIG = Symbol('CATALOG_CONFIG');

// Advisory-lock keys: fixed per service so replicas of the catalog (and only they) contend.
export const CATALOG_MIGRATION_LOCK_KEY = 0x6b_63_61_01;
export const CATALOG_SEED_LOCK_KEY = 0x6b_63_61_02;

/** CloudEvents `source` of the events the catalog publishes. */
export const CATALOG_EVENT_SOURCE = '/kinema/catalog';
