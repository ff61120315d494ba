import { describeError } from '../api/problem';

export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {describeError(error)}
    </p>
  );
}

export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <span className="field-error" id={id} role="alert">
      {message.charAt(0).toUpperCase() + message.slice(1)}
    </span>
  );
}

/** Placeholder shapes in the layout of what is loading. */
export function SkeletonRow({ count = 6 }: { count?: number }) {
  return (
    <div className="row-items" aria-hidden="true">
      {Array.from({ length: count }, (_, index) => (
        <div key={index} className="skeleton poster" />
      ))}
    </div>
  );
}

export function SkeletonBlock({ label }: { label: string }) {
  return (
    <div className="skeleton-block" role="status" aria-label={label}>
      <div className="skeleton skeleton--line" />
      <div className="skeleton skeleton--line" />
      <div className="skeleton skeleton--line skeleton--short" />
    </div>
  );
}
