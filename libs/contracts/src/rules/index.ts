export { ACCESS_TOKEN } from './access-token';
export {
  ARTWORK_KINDS,
  ARTWORK_LIMITS,
  ARTWORK_MEDIA_TYPES,
  STORED_ARTWORK_KEY,
  storedArtworkKey,
  type ArtworkKindName,
  type ArtworkMediaType,
} from './artwork-limits';
export { ACCOUNT_LIMITS, EMAIL_PATTERN, LIBRARY_LIMITS } from './account-limits';
export { KIDS_DEFAULT_CEILING, KIDS_MAX_CEILING } from './kids-ceilings';
export { KIDS_CEILING_NAMES } from './maturity-names';
export {
  ARTWORK_KEY,
  CATALOG_READ_LIMITS,
  CURSOR_MAX_LENGTH,
  CURSOR_PATTERN,
  FIRST_RELEASE_YEAR,
  latestReleaseYear,
  searchWords,
  TITLE_LIMITS,
} from './catalog-limits';
export {
  EDGE_ERROR_CODES,
  isServiceErrorCode,
  SERVICE_ERROR_CODES,
  type EdgeErrorCode,
  type ProblemCode,
  type ServiceErrorCode,
} from './error-codes';
export { isUuid, SLUG_PATTERN, UUID_PATTERN } from './identifiers';
export { SESSION_COOKIE } from './session-cookie';
export { charLength, longerThan, textViolation, wrapWords } from './text';
export {
  ACCOUNT_ROLES,
  accountRoleOf,
  AVAILABILITIES,
  CREDIT_ROLES,
  GENRE_SLUGS,
  GENRES,
  maturityOfRank,
  maturityRank,
  MATURITY_RATINGS,
  stricterCeiling,
  TITLE_SORTS,
  TITLE_TYPES,
  type AccountRoleName,
  type AvailabilityName,
  type CreditRoleName,
  type GenreSlug,
  type MaturityRank,
  type MaturityRatingName,
  type TitleSortName,
  type TitleTypeName,
  type Vocabulary,
} from './vocabulary';
export { VIDEO_UPLOAD_LIMITS } from './video-limits';
