import { ARTWORK_LIMITS, type ArtworkKindName } from '@kinema/contracts/artwork-limits';
import { wrapWords } from '@kinema/contracts/text';
import type { Title } from '../schema/types';
import { artworkUrl, isStoredArtwork, type VariantFile } from './artwork-url';

/**
 * The variant files a kind has, smallest first, named by the contract's widths as the gateway
 * serves them, and the box it is drawn in: its smallest width at the kind's aspect, so the page
 * does not shift while it loads.
 */
function shapeOf(kind: ArtworkKindName): { files: VariantFile[]; width: number; height: number } {
  const { widths, aspect } = ARTWORK_LIMITS[kind];
  const files = widths.map((width) => `${width}.webp` as const);
  return { files, width: widths[0], height: (widths[0] * aspect.height) / aspect.width };
}

const SHAPES = { poster: shapeOf('poster'), backdrop: shapeOf('backdrop') };

/**
 * How the drawn stand-in writes a name, in its picture's units (200 by 300, or 320 by 180, with a
 * margin of 12): `lines` at most, the last on `baseline`, each of at most `chars` characters, which
 * fit the width at `size` even in the widest usual system font, bold (DejaVu Sans's letters take
 * 0.6-0.75 em).
 */
const DRAWN_NAME = {
  poster: { chars: 13, lines: 3, size: 18, baseline: 282 },
  backdrop: { chars: 20, lines: 2, size: 22, baseline: 162 },
};

/** A stable number from a string, to pick colours that stay the same for a title. */
function hash(text: string): number {
  let value = 2166136261;
  for (let i = 0; i < text.length; i += 1) value = Math.imul(value ^ text.charCodeAt(i), 16777619);
  return value >>> 0;
}

/**
 * A title's stored poster (or, `wide`, its backdrop), resized by the gateway; lazy unless `eager`
 * (above the fold). A title without stored artwork gets one drawn from its name and genres.
 */
export function Poster({
  title,
  wide = false,
  named = true,
  eager = false,
}: {
  title: Title;
  wide?: boolean;
  /** Writes the name on the drawn stand-in; off where the name is shown beside it. */
  named?: boolean;
  eager?: boolean;
}) {
  const kind = wide ? 'backdrop' : 'poster';
  const key = wide ? title.artwork.backdropKey : title.artwork.posterKey;
  if (isStoredArtwork(key)) {
    const shape = SHAPES[kind];
    const widths = shape.files.map((file) => `${artworkUrl(key, file)} ${parseInt(file, 10)}w`);
    return (
      <img
        className={wide ? 'poster poster--wide' : 'poster'}
        src={artworkUrl(key, shape.files[0])}
        srcSet={widths.join(', ')}
        sizes={wide ? '100vw' : '(max-width: 45rem) 22vw, 10rem'}
        width={shape.width}
        height={shape.height}
        loading={eager ? 'eager' : 'lazy'}
        decoding="async"
        alt={`${title.name} ${kind}`}
      />
    );
  }
  return <DrawnPoster title={title} wide={wide} named={named} />;
}

/** Artwork drawn from the title's name and genres: original and deterministic. */
function DrawnPoster({ title, wide, named }: { title: Title; wide: boolean; named: boolean }) {
  const seed = hash(`${title.name}|${title.genres.map((genre) => genre.slug).join(',')}`);
  const hue = seed % 360;
  const hue2 = (hue + 40 + ((seed >> 9) % 80)) % 360;
  const angle = (seed >> 3) % 180;
  const name = DRAWN_NAME[wide ? 'backdrop' : 'poster'];
  const lines = wrapWords(title.name, name.chars, name.lines);
  return (
    <svg
      className={wide ? 'poster poster--wide' : 'poster'}
      viewBox={wide ? '0 0 320 180' : '0 0 200 300'}
      preserveAspectRatio="xMidYMid slice"
      role="img"
      aria-label={`${title.name} poster`}
    >
      <defs>
        <linearGradient id={`g${title.id}`} gradientTransform={`rotate(${angle} .5 .5)`}>
          <stop offset="0" stopColor={`hsl(${hue} 60% 32%)`} />
          <stop offset="1" stopColor={`hsl(${hue2} 70% 14%)`} />
        </linearGradient>
      </defs>
      <rect width="100%" height="100%" fill={`url(#g${title.id})`} />
      <circle
        cx={wide ? 250 : 150}
        cy={wide ? 40 : 60}
        r={30 + (seed % 50)}
        fill={`hsl(${hue2} 80% 60% / 0.25)`}
      />
      {named && (
        <text fill="#fff" fontSize={name.size} fontWeight="700" fontFamily="system-ui, sans-serif">
          {lines.map((line, index) => (
            <tspan
              key={index}
              x="12"
              y={name.baseline - (lines.length - 1 - index) * name.size * 1.15}
            >
              {line}
            </tspan>
          ))}
        </text>
      )}
    </svg>
  );
}
