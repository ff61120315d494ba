// Stored representations of the proto enums. They cross the database boundary, so they are
// string-literal unions (and a smallint for maturity, whose order is what filters compare).

export type StoredTitleType = 'movie' | 'series';
export type StoredAvailability = 'draft' | 'published';
export type StoredCreditRole = 'director' | 'writer' | 'creator' | 'cast';
/** 1 = ALL .. 5 = ADULT_18, the order of the proto enum, so a ceiling is a `<=`. */
export type StoredMaturity = 1 | 2 | 3 | 4 | 5;
