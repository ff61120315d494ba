import type { Title } from '../api/types';

/** A stable number from a string, to pick colours that stay the same for a title. */
function hash(text: string): number {
  let value = 2166136261;
  for (let i = 0; i < text.length; i += 1) value = Math.imul(value ^ text.charCodeAt(i), 16777619);
  return value >>> 0;
}

/**
 * Artwork drawn from the title's name and genres: the gateway serves no images yet, so every
 * title gets an original, deterministic poster instead of a broken image.
 */
export function Poster({
  title,
  wide = false,
  named = true,
}: {
  title: Title;
  wide?: boolean;
  /** Writes the name on the artwork; off where the name is shown beside it. */
  named?: boolean;
}) {
  const seed = hash(`${title.name}|${title.genres.map((genre) => genre.slug).join(',')}`);
  const hue = seed % 360;
  const hue2 = (hue + 40 + ((seed >> 9) % 80)) % 360;
  const angle = (seed >> 3) % 180;
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
        <text
          x="12"
          y={wide ? 160 : 280}
          fill="#fff"
          fontSize={wide ? 22 : 20}
          fontWeight="700"
          fontFamily="system-ui, sans-serif"
        >
          {title.name.length > 24 ? `${title.name.slice(0, 23)}…` : title.name}
        </text>
      )}
    </svg>
  );
}
