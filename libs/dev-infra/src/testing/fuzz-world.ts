import { randomUUID } from 'node:crypto';
import type { FuzzWorld } from './openapi-fuzz';

async function json<T>(response: Response): Promise<T> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status} ${response.url}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/**
 * What the contract fuzzer needs of a running system, made through its own API: a viewer with a
 * profile, the admin, a token that was never valid, and real ids for every kind of path parameter
 * (titles, a series' episodes, profiles, a video), so requests reach past the "no such id" answers.
 */
export async function buildFuzzWorld(
  gatewayUrl: string,
  admin: { email: string; password: string },
  videoBytes?: Uint8Array,
): Promise<FuzzWorld> {
  const api = `${gatewayUrl}/api/v1`;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${api}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const adminTokens = await json<{ tokens: { accessToken: string } }>(
    await post('/auth/login', admin),
  );
  const viewer = await json<{ tokens: { accessToken: string }; profile: { id: string } }>(
    await post('/auth/register', {
      email: `fuzz-${randomUUID()}@example.com`,
      password: `pw-${randomUUID()}`,
    }),
  );
  const asAdmin = { authorization: `Bearer ${adminTokens.tokens.accessToken}` };
  const titles = await json<{ items: Array<{ id: string; type: string }> }>(
    await fetch(`${api}/titles?limit=20&type=series`, { headers: asAdmin }),
  );
  const movies = await json<{ items: Array<{ id: string }> }>(
    await fetch(`${api}/titles?limit=20&type=movie`),
  );
  const episodeIds: string[] = [];
  for (const series of titles.items.slice(0, 3)) {
    const detail = await json<{ seasons: Array<{ episodes: Array<{ id: string }> }> }>(
      await fetch(`${api}/titles/${series.id}`),
    );
    episodeIds.push(
      ...detail.seasons.flatMap((season) => season.episodes.map((episode) => episode.id)),
    );
  }
  const videoIds: string[] = [];
  const target = movies.items[0]?.id;
  if (videoBytes && target) {
    const uploaded = await json<{ id: string }>(
      await fetch(`${api}/titles/${target}/video`, {
        method: 'POST',
        headers: { ...asAdmin, 'content-type': 'video/mp4' },
        body: videoBytes,
      }),
    );
    videoIds.push(uploaded.id);
  }
  const titleIds = [...movies.items, ...titles.items].map((title) => title.id);
  return {
    baseUrl: gatewayUrl,
    headers: {
      anonymous: {},
      viewer: { authorization: `Bearer ${viewer.tokens.accessToken}` },
      admin: asAdmin,
      // Well formed, signed by nobody.
      forged: {
        authorization:
          'Bearer eyJhbGciOiJFUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6Im5vYm9keSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl',
      },
    },
    ids: {
      id: [...titleIds, ...videoIds],
      titleId: titleIds,
      episodeId: episodeIds,
      profileId: [viewer.profile.id],
    },
  };
}
