// PGlite publishes its contrib extensions through package.json `exports`, which Node's require
// follows but this repository's TypeScript resolution (node10) does not: these name the
// package's own declarations for the two the PGlite server loads.
declare module '@electric-sql/pglite/contrib/pg_trgm' {
  export { pg_trgm } from '@electric-sql/pglite/dist/contrib/pg_trgm';
}
declare module '@electric-sql/pglite/contrib/fuzzystrmatch' {
  export { fuzzystrmatch } from '@electric-sql/pglite/dist/contrib/fuzzystrmatch';
}
