import { ACCOUNT_LIMITS } from '@kinema/contracts/account-limits';
import { FieldError } from './feedback';

/**
 * A password input with its label and its error. A new password (registering, changing it) says
 * what the API takes before it is typed, and lets the browser offer a strong one; a current one
 * lets the browser fill in the saved one.
 */
export function PasswordField({
  id,
  label,
  value,
  onChange,
  error,
  choosing,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error: string | undefined;
  /** The person chooses this password now (new-password), rather than giving theirs. */
  choosing: boolean;
}) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="password"
        autoComplete={choosing ? 'new-password' : 'current-password'}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={Boolean(error)}
        aria-describedby={choosing ? `${id}-hint ${id}-error` : `${id}-error`}
      />
      {choosing && (
        <span id={`${id}-hint`} className="muted">
          At least {ACCOUNT_LIMITS.passwordMinLength} characters.
        </span>
      )}
      <FieldError id={`${id}-error`} message={error} />
    </>
  );
}
