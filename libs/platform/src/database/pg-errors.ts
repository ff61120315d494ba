import { QueryFailedError } from 'typeorm';

// PostgreSQL's SQLSTATE codes (Appendix A of its manual); PGlite reports the same ones.
const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

function driverError(
  error: unknown,
): { code?: string; constraint?: string; message?: string } | undefined {
  return error instanceof QueryFailedError
    ? (error.driverError as { code?: string; constraint?: string })
    : undefined;
}

/** A unique-constraint violation of `constraint` (PGlite may name it only in the message). */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  const driver = driverError(error);
  return (
    driver?.code === UNIQUE_VIOLATION &&
    (driver.constraint === constraint || (driver.message ?? '').includes(constraint))
  );
}

/** A foreign-key violation: the parent row vanished between our check and our write. */
export function isForeignKeyViolation(error: unknown): boolean {
  return driverError(error)?.code === FOREIGN_KEY_VIOLATION;
}
