import { useState } from 'react';
import { ErrorMessage } from './feedback';

/**
 * Delete with a confirmation step in place: the first press asks `question`, and only the second
 * calls `onConfirm`. `name` says what goes, to a screen reader too.
 */
export function ConfirmDelete({
  name,
  question,
  onConfirm,
  pending,
  error,
}: {
  name: string;
  question: string;
  onConfirm: () => void;
  pending: boolean;
  error: unknown;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" className="button--danger-quiet" onClick={() => setAsking(true)}>
        Delete<span className="visually-hidden"> {name}</span>
      </button>
    );
  return (
    <span className="confirm" role="group" aria-label={`Delete ${name}?`}>
      <span>{question}</span>
      <button
        type="button"
        className="button--danger"
        onClick={onConfirm}
        disabled={pending}
        // The question just appeared: the answer is the next thing to press.
        ref={(button) => button?.focus()}
      >
        Yes, delete
      </button>
      <button type="button" className="button--secondary" onClick={() => setAsking(false)}>
        Keep it
      </button>
      <ErrorMessage error={error} />
    </span>
  );
}
