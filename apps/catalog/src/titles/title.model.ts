import type {
  AvailabilityName,
  CreditRoleName,
  MaturityRank,
  TitleTypeName,
} from '@kinema/contracts';

// Stored representations of the proto enums: the contract's vocabulary (libs/contracts), which the
// REST API speaks too, and the maturity rank, whose order is what filters compare.

export type StoredTitleType = TitleTypeName;
export type StoredAvailability = AvailabilityName;
export type StoredCreditRole = CreditRoleName;
/** 1 = all .. 5 = 18+, so a ceiling is a `<=`. */
export type StoredMaturity = MaturityRank;
