import { ACCOUNT_LIMITS, EMAIL_PATTERN, longerThan } from '@kinema/contracts';
import type { Violations } from '../common/input-rules';

const {
  emailLength: EMAIL_MAX_LENGTH,
  passwordMinLength: PASSWORD_MIN_LENGTH,
  passwordMaxLength: PASSWORD_MAX_LENGTH,
} = ACCOUNT_LIMITS;
// RFC 5321's limit on the local part: the users service's own check, beyond the contract's bound.
const EMAIL_LOCAL_MAX_LENGTH = 64;

/** The form an email is stored and compared in: trimmed and lower-cased. */
export function normaliseEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

/** Why a normalised email is unacceptable, or undefined when it is fine. */
export function emailProblem(email: string): string | undefined {
  if (email === '') return 'is required';
  if (longerThan(email, EMAIL_MAX_LENGTH)) return `must be at most ${EMAIL_MAX_LENGTH} characters`;
  if (!EMAIL_PATTERN.test(email)) return 'must be an email address';
  const local = email.slice(0, email.lastIndexOf('@'));
  if (longerThan(local, EMAIL_LOCAL_MAX_LENGTH))
    return `must have at most ${EMAIL_LOCAL_MAX_LENGTH} characters before the @`;
  return undefined;
}

/**
 * Why a new password is unacceptable, or undefined. Length is the only rule (NIST SP 800-63B):
 * composition rules push people to predictable patterns. Never trimmed: spaces are characters.
 */
export function passwordProblem(password: string): string | undefined {
  if (password === '') return 'is required';
  if (longerThan(password, PASSWORD_MAX_LENGTH) || !longerThan(password, PASSWORD_MIN_LENGTH - 1)) {
    return `must be from ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`;
  }
  return undefined;
}

/** Normalised email of a new account; records violations under `field`. */
export function checkNewEmail(violations: Violations, field: string, raw: string): string {
  const email = normaliseEmail(raw);
  const problem = emailProblem(email);
  if (problem) violations.add(field, problem);
  return email;
}

export function checkNewPassword(violations: Violations, field: string, password: string): string {
  const problem = passwordProblem(password);
  if (problem) violations.add(field, problem);
  return password;
}

/**
 * A password offered to prove identity: only presence and the upper bound are checked (the
 * bound keeps an attacker from making us hash megabytes); whether it is right is the hash's say.
 */
export function checkOfferedPassword(
  violations: Violations,
  field: string,
  password: string,
): string {
  if (password === '') violations.add(field, 'is required');
  else if (longerThan(password, PASSWORD_MAX_LENGTH))
    violations.add(field, `must be at most ${PASSWORD_MAX_LENGTH} characters`);
  return password;
}

/** The part of an email after the last @: all that leaves the service in events. */
export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

/** A first profile name from the email's local part, cut to the profile-name limit. */
export function defaultProfileName(email: string, maxLength: number): string {
  const local = email.slice(0, email.lastIndexOf('@')).trim();
  return [...(local || 'Profile 1')].slice(0, maxLength).join('');
}
