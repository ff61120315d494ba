import { UUID_PATTERN } from '@kinema/contracts';

/**
 * The name of each id in a path, by the segment before it, as the gateway's OpenAPI document names
 * its path parameters (`/titles/{id}`, `/me/profiles/{profileId}/list/{titleId}`, ...).
 */
const PARAMETER_AFTER: Readonly<Record<string, string>> = {
  titles: 'id',
  episodes: 'episodeId',
  profiles: 'profileId',
  list: 'titleId',
  progress: 'titleId',
  videos: 'id',
};

/**
 * The route template of a request, as the table groups it: the method and the path with each id
 * replaced by its parameter name and the query left out, e.g. `GET /api/v1/titles/{id}`.
 */
export function routeTemplate(method: string, pathAndQuery: string): string {
  const path = pathAndQuery.split(/[?#]/, 1)[0] ?? '';
  const segments = path.split('/');
  const templated = segments.map((segment, i) => {
    if (!UUID_PATTERN.test(segment)) return segment;
    return `{${PARAMETER_AFTER[segments[i - 1] ?? ''] ?? 'id'}}`;
  });
  return `${method.toUpperCase()} ${templated.join('/') || '/'}`;
}
