import { QueryFailedError } from 'typeorm';

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
    driver?.code === '23505' &&
    (driver.constraint === constraint || (driver.message ?? '').includes(constraint))
  );
}

/** A foreign-key violation: the parent row vanished between our check and our write. */
export function isForeignKeyViolation(error: unknown): boolean {
  return driverError(error)?.code === '23503';
}
