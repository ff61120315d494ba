import { wrapWords } from '@kinema/contracts';
import { createHash } from 'node:crypto';

/** What the artwork of a demo title is drawn from: nothing but its own words. */
export interface ArtworkSubject {
  name: string;
  /** Genre names, main genre first. */
  genres: readonly string[];
}

export const POSTER_SIZE = { width: 400, height: 600 } as const;
export const BACKDROP_SIZE = { width: 1280, height: 720 } as const;

/** Bytes of a hash of the subject: every choice of the drawing comes from them, in order. */
function seedBytes(subject: ArtworkSubject): Buffer {
  return createHash('sha256')
    .update(`${subject.name}\n${subject.genres.join(',')}`)
    .digest();
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A motif per mood, picked by the main genre's hash: shapes only, drawn over the gradient at
 * positions and sizes taken from the seed. Coordinates are in a 100×100 box scaled to the picture.
 */
const MOTIFS: Array<(seed: Buffer, accent: string) => string> = [
  // A low sun and its rings.
  (seed, accent) => {
    const cx = 20 + (seed[10] % 60);
    const cy = 25 + (seed[11] % 25);
    return [3, 2, 1]
      .map(
        (ring) =>
          `<circle cx="${cx}" cy="${cy}" r="${8 + ring * 7}" fill="${accent}" opacity="${0.12 * (4 - ring)}"/>`,
      )
      .join('');
  },
  // Ridges of mountains.
  (seed, accent) =>
    [0, 1, 2]
      .map((layer) => {
        const peaks = [0, 1, 2, 3, 4].map(
          (i) => `${i * 25},${45 + layer * 12 + (seed[12 + layer * 5 + i] % 20)}`,
        );
        return `<polygon points="0,100 ${peaks.join(' ')} 100,100" fill="${accent}" opacity="${0.15 + layer * 0.12}"/>`;
      })
      .join(''),
  // Diagonal beams.
  (seed, accent) =>
    [0, 1, 2, 3]
      .map((i) => {
        const x = (seed[14 + i] % 100) - 20;
        return `<polygon points="${x},0 ${x + 8},0 ${x + 48},100 ${x + 40},100" fill="${accent}" opacity="0.18"/>`;
      })
      .join(''),
  // A grid of windows, some lit.
  (seed, accent) => {
    const cells: string[] = [];
    for (let i = 0; i < 24; i += 1) {
      if ((seed[(i % 16) + 8] >> (i % 8)) & 1) {
        cells.push(
          `<rect x="${10 + (i % 6) * 14}" y="${30 + Math.floor(i / 6) * 12}" width="9" height="7" fill="${accent}" opacity="0.3"/>`,
        );
      }
    }
    return cells.join('');
  },
  // Waves.
  (seed, accent) =>
    [0, 1, 2, 3]
      .map((i) => {
        const y = 50 + i * 10;
        const a = 4 + (seed[16 + i] % 8);
        return `<path d="M0 ${y} Q25 ${y - a} 50 ${y} T100 ${y} V100 H0 Z" fill="${accent}" opacity="0.14"/>`;
      })
      .join(''),
];

function palette(seed: Buffer): { top: string; bottom: string; accent: string } {
  const hue = ((seed[0] << 8) | seed[1]) % 360;
  const second = (hue + 30 + (seed[2] % 90)) % 360;
  return {
    top: `hsl(${hue}, 55%, 30%)`,
    bottom: `hsl(${second}, 65%, 9%)`,
    accent: `hsl(${(hue + 180) % 360}, 80%, 65%)`,
  };
}

function drawing(subject: ArtworkSubject, width: number, height: number, text: string): string {
  const seed = seedBytes(subject);
  const colours = palette(seed);
  const mainGenre = createHash('sha256')
    .update(subject.genres[0] ?? '')
    .digest();
  const motif = MOTIFS[mainGenre[0] % MOTIFS.length](seed, colours.accent);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<defs><linearGradient id="bg" x1="0" y1="0" x2="${seed[3] % 2}" y2="1">` +
    `<stop offset="0" stop-color="${colours.top}"/><stop offset="1" stop-color="${colours.bottom}"/>` +
    `</linearGradient></defs>` +
    `<rect width="${width}" height="${height}" fill="url(#bg)"/>` +
    `<svg width="${width}" height="${height}" viewBox="0 0 100 100" preserveAspectRatio="none">${motif}</svg>` +
    text +
    `</svg>`
  );
}

function textLines(lines: string[], x: number, baseline: number, size: number): string {
  return lines
    .map(
      (line, i) =>
        `<text x="${x}" y="${baseline - (lines.length - 1 - i) * size * 1.1}" font-family="DejaVu Sans, Liberation Sans, sans-serif" font-weight="bold" font-size="${size}" fill="#ffffff">${escapeXml(line)}</text>`,
    )
    .join('');
}

/** An original poster (2:3) for a demo title: its name over shapes and colours its words pick. */
export function posterSvg(subject: ArtworkSubject): string {
  const { width, height } = POSTER_SIZE;
  const lines = wrapWords(subject.name.toUpperCase(), 14, 4);
  const genres = escapeXml(subject.genres.slice(0, 3).join(' · ').toUpperCase());
  const text =
    textLines(lines, 28, height - 84, 38) +
    `<text x="28" y="${height - 40}" font-family="DejaVu Sans, Liberation Sans, sans-serif" font-size="16" letter-spacing="2" fill="#ffffff" opacity="0.75">${genres}</text>`;
  return drawing(subject, width, height, text);
}

/**
 * An original backdrop (16:9) for a demo title: the same colours and shapes, no words (the page
 * writes the name beside it).
 */
export function backdropSvg(subject: ArtworkSubject): string {
  const { width, height } = BACKDROP_SIZE;
  return drawing(subject, width, height, '');
}
