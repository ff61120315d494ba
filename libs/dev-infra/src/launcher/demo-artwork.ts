import { STORED_ARTWORK_KEY } from '@kinema/contracts';
import sharp from 'sharp';
import { backdropSvg, posterSvg, type ArtworkSubject } from './demo-artwork-svg';

interface ShownTitle {
  id: string;
  name: string;
  version: number;
  genres: Array<{ name: string }>;
  artwork: { posterKey: string; backdropKey: string };
}

interface BrowsePage {
  rows: Array<{ items: ShownTitle[] }>;
}

export interface DemoArtwork {
  /** Titles given a poster and a backdrop now. */
  drawn: number;
  /** Titles that already had stored artwork (a restart). */
  alreadyDrawn: number;
}

/** Titles drawn at once: rendering and resizing share the machine with every service. */
const WORKERS = 4;

async function call<T>(
  gatewayUrl: string,
  token: string,
  method: string,
  path: string,
  body?: { bytes: Buffer | string; type: string },
  headers: Record<string, string> = {},
): Promise<T> {
  let response: Response;
  for (;;) {
    response = await fetch(`${gatewayUrl}/api/v1${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body ? { 'content-type': body.type } : {}),
        ...headers,
      },
      ...(body ? { body: body.bytes } : {}),
    });
    // Every title costs three requests of the admin's budget (RATE_LIMIT_REQUESTS a minute):
    // past a low limit, wait as the gateway says and go on.
    if (response.status !== 429) break;
    await response.arrayBuffer();
    const seconds = Number(response.headers.get('retry-after')) || 1;
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

/** The PNG of an SVG drawing (rendered by sharp's librsvg). */
function png(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/**
 * Gives the titles the home page shows (its rows, as the admin browses them: every maturity) an
 * original poster and backdrop, drawn from each one's name and genres (see demo-artwork-svg.ts),
 * uploaded through the admin API like an admin's own and set on the title. The other titles keep
 * the web app's own drawing until an admin gives them artwork: drawing all 500 cost minutes of
 * CPU and hundreds of MiB in the videos service for pictures nobody had asked to see. The
 * drawings are deterministic, so a title keeps its artwork across resets; titles that already
 * have stored artwork (a restart) are skipped.
 */
export async function seedDemoArtwork(
  gatewayUrl: string,
  admin: { email: string; password: string },
): Promise<DemoArtwork> {
  const token = (
    await call<{ tokens: { accessToken: string } }>(gatewayUrl, '', 'POST', '/auth/login', {
      bytes: JSON.stringify(admin),
      type: 'application/json',
    })
  ).tokens.accessToken;
  const browse = await call<BrowsePage>(gatewayUrl, token, 'GET', '/browse');
  const queue = [
    ...new Map(browse.rows.flatMap((row) => row.items).map((title) => [title.id, title])).values(),
  ];
  const result: DemoArtwork = { drawn: 0, alreadyDrawn: 0 };
  const worker = async () => {
    for (let title = queue.shift(); title; title = queue.shift()) {
      if (
        STORED_ARTWORK_KEY.test(title.artwork.posterKey) &&
        STORED_ARTWORK_KEY.test(title.artwork.backdropKey)
      ) {
        result.alreadyDrawn += 1;
        continue;
      }
      const subject: ArtworkSubject = {
        name: title.name,
        genres: title.genres.map((genre) => genre.name),
      };
      const [poster, backdrop] = await Promise.all(
        (
          [
            ['poster', posterSvg(subject)],
            ['backdrop', backdropSvg(subject)],
          ] as const
        ).map(async ([kind, svg]) =>
          call<{ key: string }>(gatewayUrl, token, 'POST', `/artwork/${kind}`, {
            bytes: await png(svg),
            type: 'image/png',
          }),
        ),
      );
      await call(
        gatewayUrl,
        token,
        'PATCH',
        `/titles/${title.id}`,
        {
          bytes: JSON.stringify({ artwork: { posterKey: poster.key, backdropKey: backdrop.key } }),
          type: 'application/merge-patch+json',
        },
        // An admin's edit since the listing wins: the title keeps the artwork it was given.
        { 'if-match': `"${title.version}"` },
      ).then(
        () => (result.drawn += 1),
        (error: unknown) => {
          if (!String(error).includes(': 412 ')) throw error;
        },
      );
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  return result;
}
