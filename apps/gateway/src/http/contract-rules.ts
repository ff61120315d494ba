import {
  CURSOR_MAX_LENGTH,
  CURSOR_PATTERN,
  FIRST_RELEASE_YEAR,
  GENRE_SLUGS,
  latestReleaseYear,
  UUID_PATTERN,
} from '@kinema/contracts';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';

/** A whole number as a query writes it: decimal digits, a minus before them at most. */
const QUERY_INTEGER = /^-?\d+$/;

/**
 * A query parameter that is a whole number, made one only when it is written as one; any other
 * text stays text, for IsInt to name ("limit must be an integer number"). class-transformer's
 * `@Type(() => Number)` is `Number(text)`, which took an empty `limit=` for 0 ("limit must not be
 * less than 1"), `limit=0x10` for 16 and `limit=1e1` for 10.
 */
export function QueryInteger() {
  return Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && QUERY_INTEGER.test(value) ? Number(value) : value,
  );
}

/**
 * A release year as the catalog accepts it: from the first film to five years ahead of today,
 * checked against today's date at each request (the catalog's own rule, libs/contracts), so a
 * gateway running across New Year does not drift from the catalog behind it.
 */
export function IsReleaseYear(options: { required: boolean; description?: string }) {
  const api = {
    type: 'integer',
    minimum: FIRST_RELEASE_YEAR,
    // What the document says on the day it is generated; the rule itself moves with the date.
    maximum: latestReleaseYear(),
    description: `${options.description ? `${options.description} ` : ''}From ${FIRST_RELEASE_YEAR} to the current year + 5.`,
  } as const;
  return applyDecorators(
    options.required ? ApiProperty(api) : ApiPropertyOptional(api),
    IsInt(),
    (target: object, propertyName: string | symbol) =>
      registerDecorator({
        name: 'isReleaseYear',
        target: target.constructor,
        propertyName: String(propertyName),
        validator: {
          validate: (value: unknown) =>
            typeof value === 'number' &&
            value >= FIRST_RELEASE_YEAR &&
            value <= latestReleaseYear(),
          defaultMessage: (args?: ValidationArguments) =>
            `${args?.property ?? 'year'} must be a year from ${FIRST_RELEASE_YEAR} to ${latestReleaseYear()}`,
        },
      }),
  );
}

/** An id: a UUID in its canonical text form (the contract's pattern), documented as such. */
export function IsUuidText(field: string, doc: { required: boolean; description?: string }) {
  const api = { format: 'uuid', pattern: UUID_PATTERN.source, description: doc.description };
  return applyDecorators(
    doc.required ? ApiProperty(api) : ApiPropertyOptional(api),
    Matches(UUID_PATTERN, { message: `${field} must be a UUID` }),
  );
}

/** An optional page cursor: what a previous page gave as `nextCursor`, passed back unread. */
export function IsCursor() {
  return applyDecorators(
    ApiPropertyOptional({
      description: 'Opaque cursor from a previous page (`nextCursor`).',
      maxLength: CURSOR_MAX_LENGTH,
      pattern: CURSOR_PATTERN.source,
    }),
    IsOptional(),
    IsString(),
    MaxLength(CURSOR_MAX_LENGTH),
    Matches(CURSOR_PATTERN, { message: 'cursor must be a cursor returned by a previous page' }),
  );
}

/** A genre slug of the catalog's fixed vocabulary (GET /genres lists them with their names). */
export function IsGenre(options: { each: boolean }) {
  return IsIn(GENRE_SLUGS, {
    each: options.each,
    message: `${options.each ? 'each genre' : 'genre'} must be one of ${GENRE_SLUGS.join(', ')}`,
  });
}
