import { useState } from 'react';
import { describeError } from '../api/problem';
import { FieldError } from '../ui/feedback';
import { artworkUrl, isStoredArtwork } from '../ui/artwork-url';
import { uploadFile } from './upload-file';

export interface ArtworkKeys {
  posterKey?: string;
  backdropKey?: string;
}

const KINDS = [
  { kind: 'poster', field: 'posterKey', label: 'Poster (portrait, 2:3)', preview: '200.webp' },
  {
    kind: 'backdrop',
    field: 'backdropKey',
    label: 'Backdrop (landscape, 16:9)',
    preview: '640.webp',
  },
] as const;

/**
 * Poster and backdrop: a file is uploaded as soon as it is picked (the API checks it and stores
 * it), its preview shown, and its key kept for the title's next save.
 */
export function ArtworkFields({
  artwork,
  onChange,
  fieldError,
}: {
  artwork: ArtworkKeys;
  onChange: (artwork: ArtworkKeys) => void;
  /** The save's field error for `artwork.posterKey` or `artwork.backdropKey`. */
  fieldError: (field: string) => string | undefined;
}) {
  const [errors, setErrors] = useState<Record<string, string | undefined>>({});
  const [busy, setBusy] = useState<Record<string, boolean>>({});
  const pick = (kind: 'poster' | 'backdrop', field: keyof ArtworkKeys, file: File) => {
    setErrors((current) => ({ ...current, [field]: undefined }));
    setBusy((current) => ({ ...current, [field]: true }));
    uploadFile(`/api/v1/artwork/${kind}`, file, () => undefined)
      .done.then(
        (stored) => onChange({ ...artwork, [field]: (stored as { key: string }).key }),
        (error: unknown) => setErrors((current) => ({ ...current, [field]: describeError(error) })),
      )
      .finally(() => setBusy((current) => ({ ...current, [field]: false })));
  };
  return (
    <fieldset className="artwork-fields">
      <legend>Artwork</legend>
      {KINDS.map(({ kind, field, label, preview }) => {
        const key = artwork[field];
        const id = `title-artwork-${kind}`;
        const error = errors[field] ?? fieldError(`artwork.${field}`);
        return (
          <div key={kind} className="artwork-field">
            <label htmlFor={id}>{label}: PNG, JPEG or WebP</label>
            <input
              id={id}
              type="file"
              accept="image/png,image/jpeg,image/webp"
              disabled={busy[field]}
              aria-invalid={Boolean(error)}
              aria-describedby={`${id}-error`}
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) pick(kind, field, file);
              }}
            />
            {busy[field] && <p role="status">Uploading the {kind}…</p>}
            {isStoredArtwork(key) && (
              <img
                className={`artwork-preview artwork-preview--${kind}`}
                src={artworkUrl(key, preview)}
                width={kind === 'poster' ? 200 : 640}
                height={kind === 'poster' ? 300 : 360}
                alt={`${kind} preview`}
              />
            )}
            <FieldError id={`${id}-error`} message={error} />
          </div>
        );
      })}
    </fieldset>
  );
}
